import Foundation

/// The ticket status machine (SVC-1, SVC-2, CP-1, CP-2): new → acknowledged → in progress ⇄
/// waiting on the customer / on another department → resolved → closed. A resolution needs a
/// cause from the policy's list and what was done, so complaints can be analysed (SVC-5); only a
/// resolved ticket is closed; a resolved or closed ticket may be reopened within the policy's
/// window when the customer says the problem is back. Refusals follow `Pipeline.refusal`.

public enum TicketStatus: String, Sendable, Codable, CaseIterable {
    case new, acknowledged, inProgress, waitingOnCustomer, waitingOnDepartment, resolved, closed

    /// Still the team's to work on.
    public var isOpen: Bool { self != .resolved && self != .closed }

    public var name: LocalizedText {
        switch self {
        case .new: LocalizedText(zhHans: "新建", zhHant: "新建", en: "New")
        case .acknowledged: LocalizedText(zhHans: "已受理", zhHant: "已受理", en: "Acknowledged")
        case .inProgress: LocalizedText(zhHans: "处理中", zhHant: "處理中", en: "In progress")
        case .waitingOnCustomer: LocalizedText(zhHans: "等待客户", zhHant: "等待客戶", en: "Waiting on customer")
        case .waitingOnDepartment: LocalizedText(zhHans: "等待部门", zhHant: "等待部門", en: "Waiting on department")
        case .resolved: LocalizedText(zhHans: "已解决", zhHant: "已解決", en: "Resolved")
        case .closed: LocalizedText(zhHans: "已关闭", zhHant: "已關閉", en: "Closed")
        }
    }
}

/// How the customer reached the team (SVC-1, COM-1).
public enum TicketChannel: String, Sendable, Codable, CaseIterable {
    case phone, email, chat, wechat, visit

    public var name: LocalizedText {
        switch self {
        case .phone: LocalizedText(zhHans: "电话", zhHant: "電話", en: "Phone")
        case .email: LocalizedText(zhHans: "电子邮件", zhHant: "電子郵件", en: "E-mail")
        case .chat: LocalizedText(zhHans: "在线客服", zhHant: "線上客服", en: "Online chat")
        case .wechat: LocalizedText(zhHans: "微信", zhHant: "微信", en: "WeChat")
        case .visit: LocalizedText(zhHans: "上门", zhHant: "上門", en: "Visit")
        }
    }
}

/// A key and its name, for the policy's lists of causes and feedback categories.
public struct ServiceCategory: Sendable, Codable, Equatable {
    public var key: String
    public var name: LocalizedText
    public init(key: String, name: LocalizedText) { self.key = key; self.name = name }
}

/// One status change in a ticket's history.
public struct TicketStatusChange: Sendable, Equatable, Codable {
    public var at: Date
    public var from: TicketStatus
    public var to: TicketStatus
    public init(at: Date, from: TicketStatus, to: TicketStatus) { self.at = at; self.from = from; self.to = to }
}

/// What must be on a ticket before it may be resolved.
public enum TicketRequirement: String, Sendable, Codable, CaseIterable {
    case cause, resolution
}

/// What the ticket has, as far as the status rules care.
public struct TicketFacts: Sendable, Equatable {
    public var cause: String?
    public var resolution: String?
    /// When it was last resolved; the reopen window runs from here.
    public var resolvedAt: Date?

    public init(cause: String? = nil, resolution: String? = nil, resolvedAt: Date? = nil) {
        self.cause = cause
        self.resolution = resolution
        self.resolvedAt = resolvedAt
    }
}

/// Why a status move was refused, in words the agent can act on; `code` is stable for clients.
public struct TicketMoveRefusal: Error, Sendable, Equatable {
    public var code: String
    public var missing: [TicketRequirement]
    public var message: String
}

public struct TicketRules: Sendable, Equatable {
    public var causes: [ServiceCategory]
    /// Days after the resolution during which the customer may have the ticket reopened; 0: never.
    public var reopenWindowDays: Int

    public init(causes: [ServiceCategory] = TicketRules.standardCauses, reopenWindowDays: Int = TicketRules.standardReopenWindowDays) {
        self.causes = causes
        self.reopenWindowDays = reopenWindowDays
    }

    public static let standardReopenWindowDays = 7

    /// The moves the machine allows, reopening included. A new ticket is acknowledged, worked on or
    /// answered at once; it goes to another department only after the customer has heard from us.
    public static let moves: [TicketStatus: Set<TicketStatus>] = [
        .new: [.acknowledged, .inProgress, .resolved],
        .acknowledged: [.inProgress, .waitingOnCustomer, .waitingOnDepartment, .resolved],
        .inProgress: [.waitingOnCustomer, .waitingOnDepartment, .resolved],
        .waitingOnCustomer: [.inProgress, .waitingOnDepartment, .resolved],
        .waitingOnDepartment: [.inProgress, .waitingOnCustomer, .resolved],
        .resolved: [.closed, .inProgress],
        .closed: [.inProgress],
    ]

    /// Every move out of "new" tells the customer the ticket was taken up, so it stops the
    /// first-response clock (CP-1: answered in time; CP-2: 迅速响应).
    public static func countsAsFirstResponse(from: TicketStatus, to: TicketStatus) -> Bool {
        from == .new && from != to && moves[.new]!.contains(to)
    }

    public func cause(_ key: String) -> ServiceCategory? { causes.first { $0.key == key } }

    /// nil when the move is allowed; otherwise what stands in the way.
    public func refusal(from: TicketStatus, to: TicketStatus, facts: TicketFacts, now: Date) -> TicketMoveRefusal? {
        if from == to { return nil }
        if to == .closed && from != .resolved {
            return TicketMoveRefusal(code: "notResolved", missing: [], message: "Only a resolved ticket can be closed; resolve it first.")
        }
        guard Self.moves[from]?.contains(to) == true else {
            return TicketMoveRefusal(code: "moveNotAllowed", missing: [],
                                     message: "A ticket cannot go from \(from.name.en) to \(to.name.en).")
        }
        if !from.isOpen && to.isOpen {
            if reopenWindowDays <= 0 {
                return TicketMoveRefusal(code: "reopenNotAllowed", missing: [], message: "The policy does not allow reopening tickets; open a new ticket.")
            }
            if let resolved = facts.resolvedAt, now.timeIntervalSince(resolved) > TimeInterval(reopenWindowDays * 86_400) {
                return TicketMoveRefusal(code: "reopenWindowPassed", missing: [],
                                         message: "The ticket was resolved more than \(reopenWindowDays) days ago; open a new ticket instead.")
            }
        }
        if to == .resolved {
            var missing: [TicketRequirement] = []
            let cause = facts.cause?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            if cause.isEmpty { missing.append(.cause) }
            if (facts.resolution?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "").isEmpty { missing.append(.resolution) }
            if !missing.isEmpty {
                let words = missing.map { $0 == .cause ? "the cause" : "what was done to resolve it" }.joined(separator: " and ")
                return TicketMoveRefusal(code: "resolutionRequirements", missing: missing, message: "Before it is resolved the ticket needs \(words).")
            }
            if self.cause(cause) == nil {
                return TicketMoveRefusal(code: "unknownCause", missing: [.cause],
                                         message: "\"\(cause)\" is not one of the policy's causes: \(causes.map(\.key).joined(separator: ", ")).")
            }
        }
        return nil
    }

    /// Why tickets happen (SVC-5, CP-2: 了解投诉原因), the list a resolution picks from.
    public static let standardCauses: [ServiceCategory] = [
        ServiceCategory(key: "product", name: LocalizedText(zhHans: "产品质量", zhHant: "產品品質", en: "Product quality")),
        ServiceCategory(key: "delivery", name: LocalizedText(zhHans: "物流配送", zhHant: "物流配送", en: "Delivery")),
        ServiceCategory(key: "installation", name: LocalizedText(zhHans: "安装调试", zhHant: "安裝調試", en: "Installation")),
        ServiceCategory(key: "billing", name: LocalizedText(zhHans: "账单开票", zhHant: "帳單開票", en: "Billing")),
        ServiceCategory(key: "serviceAttitude", name: LocalizedText(zhHans: "服务态度", zhHant: "服務態度", en: "Service attitude")),
        ServiceCategory(key: "misuse", name: LocalizedText(zhHans: "使用不当", zhHant: "使用不當", en: "Misuse")),
        ServiceCategory(key: "other", name: LocalizedText(zhHans: "其他", zhHant: "其他", en: "Other")),
    ]

    /// What customer feedback is about (SVC-3, CP-3), for routing to the departments concerned.
    public static let standardFeedbackCategories: [ServiceCategory] = [
        ServiceCategory(key: "product", name: LocalizedText(zhHans: "产品", zhHant: "產品", en: "Product")),
        ServiceCategory(key: "service", name: LocalizedText(zhHans: "服务", zhHant: "服務", en: "Service")),
        ServiceCategory(key: "price", name: LocalizedText(zhHans: "价格", zhHant: "價格", en: "Price")),
        ServiceCategory(key: "delivery", name: LocalizedText(zhHans: "交付", zhHant: "交付", en: "Delivery")),
        ServiceCategory(key: "market", name: LocalizedText(zhHans: "市场信息", zhHant: "市場信息", en: "Market")),
        ServiceCategory(key: "competitor", name: LocalizedText(zhHans: "竞争对手", zhHant: "競爭對手", en: "Competitor")),
        ServiceCategory(key: "other", name: LocalizedText(zhHans: "其他", zhHant: "其他", en: "Other")),
    ]
}
