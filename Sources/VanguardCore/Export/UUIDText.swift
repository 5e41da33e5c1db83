import Foundation

public enum UUIDText {
    /// Parses the 36-character `8-4-4-4-12` form in either case. Foundation's parser goes through
    /// `sscanf`, which showed up in profiles of the hot lists, where every row carries ids.
    public static func parse(_ text: String) -> UUID? {
        var text = text
        return text.withUTF8 { u -> UUID? in
            guard u.count == 36, u[8] == 0x2D, u[13] == 0x2D, u[18] == 0x2D, u[23] == 0x2D else { return nil }
            var bytes = [UInt8](repeating: 0, count: 16)
            var i = 0
            var out = 0
            while i < 36 {
                if i == 8 || i == 13 || i == 18 || i == 23 { i += 1; continue }
                guard let hi = nibble(u[i]), let lo = nibble(u[i + 1]) else { return nil }
                bytes[out] = hi << 4 | lo
                out += 1
                i += 2
            }
            return UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                               bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
        }
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: c - 0x30
        case 0x41...0x46: c - 0x41 + 10
        case 0x61...0x66: c - 0x61 + 10
        default: nil
        }
    }
}
