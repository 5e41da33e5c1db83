import Foundation
import Testing
@testable import VanguardCore

@Suite("Reporting lines (ORG-1)")
struct ReportingLinesTests {
    let lead = UUID(), groupLead = UUID(), senior = UUID(), rep = UUID()
    var lines: ReportingLines { ReportingLines(supervisorOf: [groupLead: lead, senior: groupLead, rep: senior]) }

    @Test("the chain of command runs from the nearest supervisor up to the lead")
    func chain() {
        #expect(lines.chain(above: rep) == [senior, groupLead, lead])
        #expect(lines.chain(above: lead) == [])
    }

    @Test("nobody may supervise themselves, directly or through a chain")
    func cycles() {
        #expect(lines.wouldCreateCycle(member: lead, supervisor: lead))
        #expect(lines.wouldCreateCycle(member: lead, supervisor: rep))
        #expect(lines.wouldCreateCycle(member: groupLead, supervisor: senior))
        #expect(!lines.wouldCreateCycle(member: rep, supervisor: lead))
        #expect(!lines.wouldCreateCycle(member: rep, supervisor: nil))
    }

    @Test("a loop already in the data does not hang the chain walk")
    func existingLoop() {
        let a = UUID(), b = UUID()
        #expect(ReportingLines(supervisorOf: [a: b, b: a]).chain(above: a) == [b])
    }

    @Test("reports include indirect ones")
    func reports() {
        #expect(lines.reports(of: groupLead) == [senior, rep])
    }
}

@Suite("Interface language")
struct LocaleTests {
    @Test("the browser's preferred language is honoured, with q-values and Chinese variants", arguments: [
        ("zh-CN,zh;q=0.9,en;q=0.8", AppLocale.zhHans), ("en-US,en;q=0.9", .en), ("zh-TW", .zhHant), ("zh-HK,en;q=0.5", .zhHant),
        ("fr-FR,en;q=0.5,zh;q=0.4", .en), ("de-DE", .zhHans), ("en;q=0.2,zh-Hant;q=0.8", .zhHant),
    ])
    func negotiate(header: String, expected: AppLocale) {
        #expect(AppLocale.negotiate(acceptLanguage: header) == expected)
    }

    @Test("a missing translation falls back to simplified Chinese")
    func fallback() {
        let text = LocalizedText(zhHans: "销售组", en: "")
        #expect(text[.en] == "销售组")
        #expect(text[.zhHant] == "销售组")
    }
}

@Suite("Webhooks to WeCom, DingTalk and Feishu group bots (platform issue, item 10)")
struct WebhookFormatTests {
    let message = WebhookMessage(kind: "test", title: "投诉升级", body: "工单 #12 已超时", link: "https://vanguard.example/t/12")

    @Test("WeCom and DingTalk get markdown messages, Feishu a text message")
    func formats() throws {
        let wecom = WebhookFormat.payload(message, for: .wecom)
        #expect(wecom["msgtype"] as? String == "markdown")
        #expect(((wecom["markdown"] as? [String: Any])?["content"] as? String)?.contains("**投诉升级**") == true)
        let ding = WebhookFormat.payload(message, for: .dingtalk)
        #expect((ding["markdown"] as? [String: Any])?["title"] as? String == "投诉升级")
        let feishu = WebhookFormat.payload(message, for: .feishu)
        #expect(feishu["msg_type"] as? String == "text")
        #expect(((feishu["content"] as? [String: Any])?["text"] as? String)?.contains("工单 #12 已超时") == true)
        let json = String(decoding: WebhookFormat.json(message, for: .generic), as: UTF8.self)
        #expect(json.contains("\"kind\":\"test\""))
    }

    @Test("failed deliveries back off exponentially and are capped")
    func backoff() {
        #expect(RetryBackoff.delay(afterAttempt: 1) == 30)
        #expect(RetryBackoff.delay(afterAttempt: 2) == 60)
        #expect(RetryBackoff.delay(afterAttempt: 5) == 480)
        #expect(RetryBackoff.delay(afterAttempt: 30) == 6 * 3600)
    }
}
