import Foundation
import VanguardCore

/// A PATCH field: left out (keep), `null` (clear) or a new value.
enum Patch<Value: Decodable & Sendable>: Sendable {
    case absent
    case null
    case value(Value)

    var given: Bool { if case .absent = self { false } else { true } }

    /// The value after applying this patch to `current`.
    func applied(to current: Value?) -> Value? {
        switch self {
        case .absent: current
        case .null: nil
        case .value(let v): v
        }
    }
}

extension KeyedDecodingContainer {
    /// A field that may be left out but, when sent, may not be null.
    func decodeIfPresentNonNull<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        guard contains(key) else { return nil }
        if try decodeNil(forKey: key) {
            throw DecodingError.valueNotFound(T.self, .init(codingPath: codingPath + [key], debugDescription: "null is not allowed here."))
        }
        return try decode(T.self, forKey: key)
    }

    func decodePatch<T: Decodable & Sendable>(_ type: T.Type, forKey key: Key) throws -> Patch<T> {
        guard contains(key) else { return .absent }
        if try decodeNil(forKey: key) { return .null }
        return .value(try decode(T.self, forKey: key))
    }
}

/// A coding key for any name, to find fields a client sent that we do not know.
struct AnyCodingKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { self.stringValue = String(intValue); self.intValue = intValue }
}

extension Decoder {
    /// Refuses fields the API does not know, naming them, so a typo is not silently ignored.
    func rejectUnknownKeys(allowed: Set<String>) throws {
        let container = try container(keyedBy: AnyCodingKey.self)
        let unknown = container.allKeys.map(\.stringValue).filter { !allowed.contains($0) }.sorted()
        if !unknown.isEmpty {
            throw Problem.invalid(unknown.map { .init(field: $0, code: "unknownField", message: "Unknown field \($0).") })
        }
    }
}
