import Foundation
import Vapor

// The service API's smaller inputs refuse unknown fields and nulls, as their schemas say
// (in extensions, so the memberwise initialisers the web forms use stay).

extension DepartmentTaskInput {
    enum CodingKeys: String, CodingKey, CaseIterable { case departmentId, request, holder, ownerId, dueOn, status, answer }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: Set(CodingKeys.allCases.map(\.rawValue)))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(departmentId: try c.decodeIfPresentNonNull(UUID.self, forKey: .departmentId), request: try c.decodeIfPresentNonNull(String.self, forKey: .request),
                  holder: try c.decodeIfPresentNonNull(String.self, forKey: .holder), ownerId: try c.decodeIfPresentNonNull(UUID.self, forKey: .ownerId),
                  dueOn: try c.decodeIfPresentNonNull(String.self, forKey: .dueOn), status: try c.decodeIfPresentNonNull(String.self, forKey: .status),
                  answer: try c.decodeIfPresentNonNull(String.self, forKey: .answer))
    }
}

extension CareTaskInput {
    enum CodingKeys: String, CodingKey, CaseIterable { case status, outcome }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: Set(CodingKeys.allCases.map(\.rawValue)))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(status: try c.decodeIfPresentNonNull(String.self, forKey: .status), outcome: try c.decodeIfPresentNonNull(String.self, forKey: .outcome))
    }
}

extension SurveyAnswer {
    enum CodingKeys: String, CodingKey, CaseIterable { case score, comment }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: Set(CodingKeys.allCases.map(\.rawValue)))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(score: try c.decodeIfPresentNonNull(Int.self, forKey: .score), comment: try c.decodeIfPresentNonNull(String.self, forKey: .comment))
    }
}

extension TicketsAPI.UpdateInput {
    enum CodingKeys: String, CodingKey, CaseIterable { case body, customerVisible }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: Set(CodingKeys.allCases.map(\.rawValue)))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(body: try c.decodeIfPresentNonNull(String.self, forKey: .body), customerVisible: try c.decodeIfPresentNonNull(Bool.self, forKey: .customerVisible))
    }
}

extension TicketsAPI.HandoffInput {
    enum CodingKeys: String, CodingKey, CaseIterable { case kind, note }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: Set(CodingKeys.allCases.map(\.rawValue)))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(kind: try c.decodeIfPresentNonNull(String.self, forKey: .kind), note: try c.decodeIfPresentNonNull(String.self, forKey: .note))
    }
}
