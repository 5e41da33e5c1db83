/// One problem with one input field, in words a user can act on. `code` is stable for clients.
public struct FieldError: Sendable, Equatable, Codable, Error {
    public var field: String
    public var code: String
    public var message: String

    public init(field: String, code: String, message: String) {
        self.field = field
        self.code = code
        self.message = message
    }
}

/// Collects field errors while checking an input, so a form shows every problem at once.
public struct FieldErrors: Sendable, Error, Equatable {
    public private(set) var all: [FieldError] = []

    public init() {}

    public var isEmpty: Bool { all.isEmpty }

    public mutating func add(_ field: String, _ code: String, _ message: String) {
        all.append(FieldError(field: field, code: code, message: message))
    }

    public mutating func check(_ field: String, _ error: FieldError?) {
        if let error { all.append(FieldError(field: field, code: error.code, message: error.message)) }
    }

    public func throwIfAny() throws {
        if !all.isEmpty { throw self }
    }

    public func first(_ field: String) -> FieldError? { all.first { $0.field == field } }
}
