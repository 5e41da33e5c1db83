import Foundation
import Vapor
import VanguardCore

/// A customer as the API shows it.
struct CustomerDTO: Content, Equatable {
    var id: UUID
    var name: String
    var kind: String
    var uscc: String?
    var industry: String?
    var region: String
    var size: String?
    var source: String
    var status: String
    var expectedAnnualYuan: Int64
    var score: Int
    var customerClass: String
    var phone: String?
    var email: String?
    var address: String
    var notes: String
    var ownerId: UUID?
    var mergedIntoId: UUID?
    var version: Int
    var createdAt: Date?
    var updatedAt: Date?
    var deletedAt: Date?

    enum CodingKeys: String, CodingKey {
        case id, name, kind, uscc, industry, region, size, source, status, expectedAnnualYuan, score
        case customerClass = "class"
        case phone, email, address, notes, ownerId, mergedIntoId, version, createdAt, updatedAt, deletedAt
    }

    init(id: UUID, name: String, kind: String, uscc: String?, industry: String?, region: String, size: String?, source: String, status: String,
         expectedAnnualYuan: Int64, score: Int, customerClass: String, phone: String?, email: String?, address: String, notes: String,
         ownerId: UUID?, mergedIntoId: UUID? = nil, version: Int, createdAt: Date?, updatedAt: Date?, deletedAt: Date? = nil) {
        (self.id, self.name, self.kind, self.uscc, self.industry, self.region, self.size) = (id, name, kind, uscc, industry, region, size)
        (self.source, self.status, self.expectedAnnualYuan, self.score, self.customerClass) = (source, status, expectedAnnualYuan, score, customerClass)
        (self.phone, self.email, self.address, self.notes, self.ownerId, self.mergedIntoId) = (phone, email, address, notes, ownerId, mergedIntoId)
        (self.version, self.createdAt, self.updatedAt, self.deletedAt) = (version, createdAt, updatedAt, deletedAt)
    }

    init(_ c: Customer) {
        id = c.id!
        name = c.name
        kind = c.kind
        uscc = c.uscc
        industry = c.industry
        region = c.region
        size = c.size
        source = c.source
        status = c.status
        expectedAnnualYuan = c.expectedAnnualYuan
        score = c.score
        customerClass = c.customerClass
        phone = c.phone
        email = c.email
        address = c.address
        notes = c.notes
        ownerId = c.ownerMemberId
        mergedIntoId = c.mergedIntoId
        version = c.version
        createdAt = c.createdAt
        updatedAt = c.updatedAt
        deletedAt = c.deletedAt
    }
}

/// What a client may send to create (name, source required) or change (any subset) a customer.
/// The class and score are not sent: the policy pack's rules compute them (SP-1).
struct CustomerInput: Content {
    var name: String?
    var kind: String?
    var uscc: Patch<String> = .absent
    var industry: Patch<String> = .absent
    var region: String?
    var size: Patch<String> = .absent
    var source: String?
    var status: String?
    var expectedAnnualYuan: Int64?
    var phone: Patch<String> = .absent
    var email: Patch<String> = .absent
    var address: String?
    var notes: String?
    var ownerId: Patch<UUID> = .absent

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, kind, uscc, industry, region, size, source, status, expectedAnnualYuan, phone, email, address, notes, ownerId
    }

    init() {}

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: Set(CodingKeys.allCases.map(\.rawValue)))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decodeIfPresentNonNull(String.self, forKey: .name)
        kind = try c.decodeIfPresentNonNull(String.self, forKey: .kind)
        uscc = try c.decodePatch(String.self, forKey: .uscc)
        industry = try c.decodePatch(String.self, forKey: .industry)
        region = try c.decodeIfPresentNonNull(String.self, forKey: .region)
        size = try c.decodePatch(String.self, forKey: .size)
        source = try c.decodeIfPresentNonNull(String.self, forKey: .source)
        status = try c.decodeIfPresentNonNull(String.self, forKey: .status)
        expectedAnnualYuan = try c.decodeIfPresentNonNull(Int64.self, forKey: .expectedAnnualYuan)
        phone = try c.decodePatch(String.self, forKey: .phone)
        email = try c.decodePatch(String.self, forKey: .email)
        address = try c.decodeIfPresentNonNull(String.self, forKey: .address)
        notes = try c.decodeIfPresentNonNull(String.self, forKey: .notes)
        ownerId = try c.decodePatch(UUID.self, forKey: .ownerId)
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(name, forKey: .name)
    }

    /// Field checks that need no database. `industries` are the policy pack's keys.
    func validate(creating: Bool, industries: [String]) -> FieldErrors {
        var e = FieldErrors()
        if creating || name != nil { e.check("name", Validators.required(name, field: "name")) }
        if creating || source != nil { e.check("source", Validators.required(source, field: "source")) }
        e.check("name", Validators.maxLength(name, 200, field: "name"))
        e.check("region", Validators.maxLength(region, 100, field: "region"))
        e.check("address", Validators.maxLength(address, 300, field: "address"))
        e.check("notes", Validators.maxLength(notes, 5000, field: "notes"))
        e.choice("kind", kind, CustomerKind.allCases.map(\.rawValue))
        e.choice("source", source.flatMap { $0.isEmpty ? nil : $0 }, SourceChannel.allCases.map(\.rawValue))
        e.choice("status", status, CustomerStatus.allCases.map(\.rawValue))
        if case .value(let v) = size { e.choice("size", v, CustomerSize.allCases.map(\.rawValue)) }
        if case .value(let v) = industry, !v.isEmpty { e.choice("industry", v, industries) }
        if case .value(let v) = uscc, !v.isEmpty { e.check("uscc", Validators.uscc(v)) }
        if case .value(let v) = phone, !v.isEmpty { e.check("phone", Validators.phone(v)) }
        if case .value(let v) = email { e.check("email", Validators.email(v)) }
        if let v = expectedAnnualYuan, v < 0 || v > 1_000_000_000_000 {
            e.add("expectedAnnualYuan", "outOfRange", "From 0 to 1,000,000,000,000 yuan.")
        }
        return e
    }
}

extension FieldErrors {
    /// The value, when given, must be one of `choices`.
    mutating func choice(_ field: String, _ value: String?, _ choices: [String]) {
        guard let value, !choices.contains(value) else { return }
        add(field, "invalidChoice", "One of: \(choices.joined(separator: ", ")).")
    }
}
