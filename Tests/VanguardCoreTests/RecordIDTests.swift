import Foundation
import Testing
@testable import VanguardCore

@Suite("Record ids: time-ordered version 7 UUIDs, so new rows land at the end of every id index")
struct RecordIDTests {
    @Test("an id carries version 7, the RFC 9562 variant and its millisecond; two made at once differ")
    func layout() {
        let made = Date(timeIntervalSince1970: 1_796_000_000.123)
        let id = UUID.timeOrdered(at: made)
        let text = Array(id.uuidString)
        #expect(text.count == 36 && text[14] == "7" && "89AB".contains(text[19]))
        #expect(id.timeOrderedDate.map { abs($0.timeIntervalSince(made)) < 0.001 } == true)
        #expect(id != UUID.timeOrdered(at: made))
        #expect(UUID(uuidString: "6F9619FF-8B86-4011-B42D-00C04FC964FF")!.timeOrderedDate == nil, "a random (version 4) id has no time")
    }

    @Test("ids made a millisecond or more apart sort in that order, as text (SQLite) and as bytes (PostgreSQL)")
    func order() {
        let start = Date(timeIntervalSince1970: 1_796_000_000)
        let ids = (0..<500).map { UUID.timeOrdered(at: start.addingTimeInterval(Double($0) * 0.002)) }
        #expect(ids.map(\.uuidString) == ids.map(\.uuidString).sorted())
        let bytes = ids.map { id in withUnsafeBytes(of: id.uuid) { Array($0) } }
        #expect(bytes == bytes.sorted { $0.lexicographicallyPrecedes($1) })
        #expect(Set(ids).count == ids.count)
    }

    @Test("an id's text is written as Foundation writes it, for ids of every version")
    func upperHexText() {
        let ids = (0..<200).map { _ in UUID.timeOrdered() } + (0..<200).map { _ in UUID() }
            + [UUID(uuidString: "00000000-0000-0000-0000-000000000000")!, UUID(uuidString: "FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF")!]
        for id in ids { #expect(id.upperHexString == id.uuidString) }
    }
}
