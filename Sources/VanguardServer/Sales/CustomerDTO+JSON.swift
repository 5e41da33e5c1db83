import Foundation
import VanguardCore

extension CustomerDTO {
    /// The history entry's snapshot of a new customer: the same JSON as `Audit.snapshot` (nil
    /// fields left out, keys in the same order), written directly. An import writes one per row,
    /// and the generic encoder was a quarter of checking a row.
    var snapshotJSON: String {
        var j = JSONText(capacity: 512)
        j.raw("{\"id\":"); j.uuid(id)
        j.raw(",\"name\":"); j.string(name)
        j.raw(",\"kind\":"); j.string(kind)
        if let uscc { j.raw(",\"uscc\":"); j.string(uscc) }
        if let industry { j.raw(",\"industry\":"); j.string(industry) }
        j.raw(",\"region\":"); j.string(region)
        if let size { j.raw(",\"size\":"); j.string(size) }
        j.raw(",\"source\":"); j.string(source)
        j.raw(",\"status\":"); j.string(status)
        j.raw(",\"expectedAnnualYuan\":"); j.int(Int(expectedAnnualYuan))
        j.raw(",\"score\":"); j.int(score)
        j.raw(",\"class\":"); j.string(customerClass)
        if let phone { j.raw(",\"phone\":"); j.string(phone) }
        if let email { j.raw(",\"email\":"); j.string(email) }
        j.raw(",\"address\":"); j.string(address)
        j.raw(",\"notes\":"); j.string(notes)
        if let ownerId { j.raw(",\"ownerId\":"); j.uuid(ownerId) }
        if let mergedIntoId { j.raw(",\"mergedIntoId\":"); j.uuid(mergedIntoId) }
        j.raw(",\"version\":"); j.int(version)
        if let createdAt { j.raw(",\"createdAt\":"); j.date(createdAt) }
        if let updatedAt { j.raw(",\"updatedAt\":"); j.date(updatedAt) }
        if let deletedAt { j.raw(",\"deletedAt\":"); j.date(deletedAt) }
        j.raw("}")
        return String(decoding: j.bytes, as: UTF8.self)
    }
}
