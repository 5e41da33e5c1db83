import Foundation
import Vapor
import VanguardCore

extension MemberDTO {
    /// The same JSON the Codable conformance produces (nil fields left out), written directly:
    /// the member list is the hottest read, and the generic encoder was a quarter of its cost.
    func write(to j: inout JSONText) {
        j.raw("{\"id\":"); j.uuid(id)
        j.raw(",\"employeeNo\":"); j.string(employeeNo)
        j.raw(",\"name\":"); j.string(name)
        j.raw(",\"nameEn\":"); j.string(nameEn)
        j.raw(",\"email\":"); j.string(email)
        if let mobile { j.raw(",\"mobile\":"); j.string(mobile) }
        j.raw(",\"position\":"); j.string(position)
        j.raw(",\"grade\":"); j.string(grade)
        j.raw(",\"hireDate\":"); j.string(hireDate)
        if let supervisorId { j.raw(",\"supervisorId\":"); j.uuid(supervisorId) }
        if let groupId { j.raw(",\"groupId\":"); j.uuid(groupId) }
        j.raw(",\"status\":"); j.string(status)
        if let idNumber { j.raw(",\"idNumber\":"); j.string(idNumber) }
        j.raw(",\"version\":"); j.int(version)
        if let createdAt { j.raw(",\"createdAt\":"); j.date(createdAt) }
        if let updatedAt { j.raw(",\"updatedAt\":"); j.date(updatedAt) }
        if let deletedAt { j.raw(",\"deletedAt\":"); j.date(deletedAt) }
        j.raw("}")
    }

    static func pageResponse(_ page: PageOf<MemberDTO>) -> Response {
        var j = JSONText(capacity: 600 * page.items.count + 100)
        j.raw("{\"items\":[")
        for (i, item) in page.items.enumerated() {
            if i > 0 { j.raw(",") }
            item.write(to: &j)
        }
        j.raw("]")
        if let next = page.nextCursor { j.raw(",\"nextCursor\":"); j.string(next) }
        j.raw("}")
        let response = Response(status: .ok, body: .init(buffer: ByteBuffer(bytes: j.bytes)))
        response.headers.contentType = .json
        return response
    }
}
