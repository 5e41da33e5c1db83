import Foundation
import Testing
@testable import VanguardCore

/// Daily campaign metrics imported from ad platforms' exports (MKT-3, MP-3).
@Suite("Marketing metrics file (MKT-3, MP-3)")
struct MarketingMetricsFileTests {
    let spring = UUID()
    let launch = UUID()
    var file: MetricsFile { MetricsFile(campaigns: ["SPRING-26": spring, "launch-26": launch], channels: MarketingChannel.standard) }

    @Test("MP-3: a Baidu-style export in Chinese is read: aliases, channel names, yyyy/M/d dates, grouped numbers, extra columns ignored")
    func chineseExport() {
        let table = ImportTable(header: ["日期", "推广计划", "渠道", "展现量", "点击量", "点击率", "访问", "线索", "花费"], rows: [
            ["2026/3/5", "spring-26", "百度", "12,345", "321", "2.60%", "250", "12", "1,234.56"],
            ["2026-03-06", "SPRING-26", "baidu", "10000", "300", "3%", "", "-", "¥99"],
            ["", "", "", "", "", "", "", "", ""],
            ["2026年3月7日", "LAUNCH-26", "微信", "8000", "200.0", "", "180", "5", "500.125"],
        ])
        let result = file.validate(table)
        #expect(result.errors.isEmpty, "\(result.errors.all)")
        #expect(result.ignoredColumns == ["点击率"])
        #expect(result.rows == [
            MetricsRow(campaignId: spring, channel: "baidu", day: civil("2026-03-05"), impressions: 12_345, clicks: 321, visits: 250, leads: 12, cost: Money(fen: 1_234_56)),
            MetricsRow(campaignId: spring, channel: "baidu", day: civil("2026-03-06"), impressions: 10_000, clicks: 300, visits: 0, leads: 0, cost: Money(fen: 99_00)),
            MetricsRow(campaignId: launch, channel: "wechat", day: civil("2026-03-07"), impressions: 8_000, clicks: 200, visits: 180, leads: 5, cost: Money(fen: 500_13)),
        ])
    }

    @Test("MP-3: an English export for one campaign and channel chosen on the form, with an Excel serial date")
    func englishExportWithDefaults() {
        let single = MetricsFile(campaigns: [:], channels: MarketingChannel.standard, defaultCampaign: spring, defaultChannel: "wechat")
        let table = ImportTable(header: ["Date", "Impressions", "Clicks", "Sessions", "Leads", "Amount spent"], rows: [["46086", "100", "10", "8", "1", "20.5"]])
        let result = single.validate(table)
        #expect(result.errors.isEmpty)
        #expect(result.rows.first?.day == civil("2026-03-05"))
        #expect(result.rows.first?.channel == "wechat" && result.rows.first?.campaignId == spring)
        #expect(result.rows.first?.cost == Money(fen: 20_50))
    }

    @Test("MP-3: a file without a date, campaign or channel column is refused before any row")
    func missingColumns() {
        let result = file.validate(ImportTable(header: ["展现量", "点击量"], rows: [["1", "2"]]))
        #expect(result.errors.all.map(\.field) == ["header", "header", "header"])
        #expect(result.errors.all.allSatisfy { $0.code == "missingColumn" })
        #expect(result.errors.all.first?.message.contains("日期") == true)
        #expect(result.rows.isEmpty)
    }

    @Test("MP-3: unknown campaigns and channels, duplicate days, negative numbers and bad dates are reported by file row and field; nothing is imported")
    func badRows() {
        let table = ImportTable(header: ["Date", "Campaign", "Channel", "Impressions", "Clicks", "Visits", "Leads", "Cost"], rows: [
            ["2026-03-05", "SPRING-26", "baidu", "100", "10", "5", "1", "10"],
            ["2026-03-05", "NOPE", "baidu", "100", "10", "5", "1", "10"],
            ["2026-03-05", "SPRING-26", "tiktok", "100", "10", "5", "1", "10"],
            ["2026/3/5", "spring-26", "Baidu", "100", "10", "5", "1", "10"],
            ["2026-03-06", "SPRING-26", "baidu", "-100", "ten", "5", "1.5", "-3"],
            ["2026-02-30", "SPRING-26", "baidu", "1", "1", "1", "1", "1"],
            ["05/03/2026", "SPRING-26", "baidu", "1", "1", "1", "1", "1"],
            ["2026-03-08", "SPRING-26", "baidu", "=1+1", "1", "1", "1", "1"],
            ["2026-03-09", "SPRING-26", "wechat", "1", "1", "1", "1", "12.3.4"],
        ])
        let result = file.validate(table)
        let found = Set(result.errors.all.map { "\($0.field) \($0.code)" })
        #expect(found == ["rows[3].campaign unknownCampaign", "rows[4].channel unknownChannel", "rows[5].day duplicate",
                          "rows[6].impressions negative", "rows[6].clicks notANumber", "rows[6].leads notANumber", "rows[6].cost negative",
                          "rows[7].day invalidDate", "rows[8].day invalidDate", "rows[9].impressions formula", "rows[10].cost notAnAmount"])
        #expect(result.errors.first("rows[5].day")?.message == "Row 5, day: Row 2 already has this campaign, channel and day.")
        #expect(result.rows.isEmpty, "all rows or none")
    }

    @Test("MP-3: the same day on another channel or campaign is no duplicate; dates read in every platform form")
    func notDuplicates() {
        let table = ImportTable(header: ["日期", "活动编号", "渠道"], rows: [
            ["2026-03-05", "SPRING-26", "baidu"], ["2026-03-05", "SPRING-26", "wechat"], ["2026-03-05", "LAUNCH-26", "baidu"],
        ])
        #expect(file.validate(table).rows.count == 3)
        #expect(MetricsFile.date("2026-3-5") == civil("2026-03-05"))
        #expect(MetricsFile.date("2026/12/31") == civil("2026-12-31"))
        #expect(MetricsFile.date("2026") == nil, "a bare year is no Excel day")
        #expect(MetricsFile.date("26/3/5") == nil)
        #expect(MetricsFile.date("2026/3/") == nil)
    }
}
