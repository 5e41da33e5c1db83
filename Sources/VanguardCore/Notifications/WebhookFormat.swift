import Foundation

/// The group-bot formats a webhook can speak. Each chat platform expects its own JSON body.
public enum WebhookKind: String, CaseIterable, Codable, Sendable {
    case wecom, dingtalk, feishu, generic
}

public struct WebhookMessage: Sendable, Equatable {
    public var kind: String
    public var title: String
    public var body: String
    public var link: String?

    public init(kind: String, title: String, body: String, link: String?) {
        self.kind = kind
        self.title = title
        self.body = body
        self.link = link
    }
}

public enum WebhookFormat {
    /// The JSON body for a platform, as a dictionary ready for JSONSerialization.
    public static func payload(_ message: WebhookMessage, for kind: WebhookKind) -> [String: Any] {
        let linkLine = message.link.map { "\n[\($0)](\($0))" } ?? ""
        switch kind {
        case .wecom:
            return ["msgtype": "markdown", "markdown": ["content": "**\(message.title)**\n\(message.body)\(linkLine)"]]
        case .dingtalk:
            return ["msgtype": "markdown", "markdown": ["title": message.title, "text": "### \(message.title)\n\n\(message.body)\(linkLine)"]]
        case .feishu:
            let text = [message.title, message.body, message.link].compactMap { $0 }.joined(separator: "\n")
            return ["msg_type": "text", "content": ["text": text]]
        case .generic:
            var p: [String: Any] = ["kind": message.kind, "title": message.title, "body": message.body]
            if let link = message.link { p["link"] = link }
            return p
        }
    }

    public static func json(_ message: WebhookMessage, for kind: WebhookKind) -> Data {
        (try? JSONSerialization.data(withJSONObject: payload(message, for: kind), options: [.sortedKeys])) ?? Data("{}".utf8)
    }
}

/// When to try a failed delivery again: 30 s, 1 min, 2 min… capped at 6 h; give up after `maxAttempts`.
public enum RetryBackoff {
    public static let maxAttempts = 8

    public static func delay(afterAttempt attempt: Int) -> TimeInterval {
        min(30 * pow(2, Double(max(attempt - 1, 0))), 6 * 3600)
    }
}
