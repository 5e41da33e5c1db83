import Foundation
import Testing
@testable import VanguardCore

private func day(_ text: String) -> CivilDate { CivilDate(text)! }
private func yuan(_ y: Int64) -> Money { Money(yuan: y)! }
private func period(_ text: String) -> TargetPeriod { TargetPeriod(text)! }

/// Target periods: months, quarters and years (LEAD-1, SAL-1).
@Suite("Target periods (LEAD-1, SAL-1)")
struct SalesTargetPeriodTests {
    @Test("periods are written 2026-M03, 2026-Q1 and 2026, and read back the same", arguments: ["2026-M03", "2026-M12", "2026-Q1", "2026-Q4", "2026"])
    func roundTrip(text: String) {
        #expect(TargetPeriod(text)?.description == text)
    }

    @Test("anything else is not a period", arguments: ["2026-M3", "2026-M13", "2026-M00", "2026-Q0", "2026-Q5", "2026-03", "26", "2026-Q1-x", "", "２０２６", "2026-m03", "20260"])
    func refused(text: String) {
        #expect(TargetPeriod(text) == nil)
    }

    @Test("a period knows its first and last day and which dates it contains")
    func contains() {
        let q1 = period("2026-Q1")
        #expect(q1.firstDay == day("2026-01-01"))
        #expect(q1.lastDay == day("2026-03-31"))
        #expect(q1.contains(day("2026-03-31")))
        #expect(!q1.contains(day("2026-04-01")))
        #expect(!q1.contains(day("2025-02-01")))
        #expect(period("2024-M02").lastDay == day("2024-02-29"))
        #expect(period("2026").contains(day("2026-12-31")))
        #expect(TargetPeriod.month(of: day("2026-07-15")) == period("2026-M07"))
    }

    @Test("a year holds four quarters and twelve months; a quarter three months")
    func parts() {
        #expect(period("2026").parts.map(\.description) == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"])
        #expect(period("2026").months.count == 12)
        #expect(period("2026-Q3").parts.map(\.description) == ["2026-M07", "2026-M08", "2026-M09"])
        #expect(period("2026-M05").parts.isEmpty)
    }

    @Test("a period is coded as its text")
    func codable() throws {
        let data = try JSONEncoder().encode([period("2026-Q2")])
        #expect(String(decoding: data, as: UTF8.self) == #"["2026-Q2"]"#)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([TargetPeriod].self, from: Data(#"["2026-Q9"]"#.utf8)) }
    }
}

/// Targets broken down team → group → person, and across periods (SAL-1, LEAD-1).
@Suite("Target breakdown (SAL-1, LEAD-1)")
struct SalesTargetSplitTests {
    var team: TargetNode {
        TargetNode(level: .team, key: "team", name: "营销团队", amount: yuan(1_000_000), children: [
            TargetNode(level: .group, key: "sales-east", name: "East", amount: yuan(600_000), children: [
                TargetNode(level: .person, key: "p1", name: "张三", amount: yuan(350_000)),
                TargetNode(level: .person, key: "p2", name: "李四", amount: yuan(250_000)),
            ]),
            TargetNode(level: .group, key: "sales-west", name: "West", amount: yuan(400_000), children: [
                TargetNode(level: .person, key: "p3", name: "王五", amount: yuan(400_000)),
            ]),
        ])
    }

    @Test("a split is valid when the children add up exactly to the parent")
    func exact() {
        #expect(Targets.splitGaps(team).isEmpty)
        #expect(Targets.validateSplit(team).isEmpty)
    }

    @Test("a split that does not add up reports where and by how much, in yuan")
    func gaps() {
        var t = team
        t.children[0].children[1].amount = Money(fen: 24_999_999)  // East's people: 599,999.99
        t.children[1].amount = yuan(450_000)                        // groups: 1,050,000.00; West's one person 400,000.00
        let gaps = Targets.splitGaps(t)
        #expect(gaps.map(\.path) == ["", "children[0]", "children[1]"])
        #expect(gaps.map(\.difference) == [yuan(50_000), Money(fen: -1), yuan(-50_000)])
        #expect(gaps[0].message == "The groups of 营销团队's target add up to ¥1,050,000.00, ¥50,000.00 more than its ¥1,000,000.00.")
        #expect(gaps[1].message == "The people of East's target add up to ¥599,999.99, ¥0.01 short of its ¥600,000.00.")
        let errors = Targets.validateSplit(t)
        #expect(errors.all.map(\.field) == ["children", "children[0].children", "children[1].children"])
        #expect(errors.all.allSatisfy { $0.code == "splitMismatch" })
    }

    @Test("a negative target is refused by field")
    func negative() {
        var t = team
        t.children[1].children[0].amount = yuan(-1)
        #expect(Targets.validateSplit(t).first("children[1].children[0].amount")?.code == "negative")
    }

    @Test("a year equals its quarters and its months; a quarter its months")
    func periodSplit() {
        var amounts: [TargetPeriod: Money] = [period("2026"): yuan(1_200_000)]
        for q in 1...4 { amounts[period("2026-Q\(q)")] = yuan(300_000) }
        for m in 1...12 { amounts[period(String(format: "2026-M%02d", m))] = yuan(100_000) }
        #expect(Targets.periodSplitGaps(amounts).isEmpty)

        amounts[period("2026-M03")] = yuan(90_000)
        let gaps = Targets.periodSplitGaps(amounts)
        #expect(gaps.map(\.path) == ["2026", "2026-Q1"], "the year's months and Q1's months are short; the quarters still add up")
        #expect(gaps.map(\.difference) == [yuan(-10_000), yuan(-10_000)])
        #expect(gaps[1].message == "The months of 2026-Q1's target add up to ¥290,000.00, ¥10,000.00 short of its ¥300,000.00.")
    }

    @Test("a part with no target counts as nothing, and the message names it")
    func missingPart() {
        let amounts: [TargetPeriod: Money] = [period("2026"): yuan(500_000), period("2026-Q1"): yuan(100_000),
                                              period("2026-Q2"): yuan(100_000), period("2026-Q3"): yuan(200_000)]
        let gaps = Targets.periodSplitGaps(amounts)
        #expect(gaps.map(\.difference) == [yuan(-100_000)])
        #expect(gaps.first?.message == "The quarters of 2026's target add up to ¥400,000.00, ¥100,000.00 short of its ¥500,000.00 (no target yet for 2026-Q4).")
        #expect(Targets.periodSplitGaps([period("2026"): yuan(400_000), period("2026-Q1"): yuan(400_000)]).isEmpty,
                "a year won all in Q1 is a valid split")
        #expect(Targets.periodSplitGaps([period("2026"): yuan(400_000)]).isEmpty, "a year not broken down yet is not checked")
    }
}

/// Attainment, the weighted forecast and its accuracy (SAL-1, RSK-M3).
@Suite("Attainment and forecast (SAL-1, RSK-M3)")
struct SalesForecastTests {
    @Test("attainment is the actual over the target, to 0.01 %")
    func attainment() {
        #expect(Targets.attainment(actual: Money(fen: 123_456_700), target: yuan(1_000_000)) == Percent(basisPoints: 12_346))
        #expect(Targets.attainment(actual: yuan(250_000), target: yuan(1_000_000)) == Percent(percent: 25))
        #expect(Targets.attainment(actual: .zero, target: yuan(1)) == .zero)
        #expect(Targets.attainment(actual: yuan(5), target: .zero) == nil, "no target, no attainment")
    }

    @Test("the weighted forecast counts open deals closing in the period at their stage's probability, plus what is won (RSK-M3)")
    func weighted() throws {
        let deals = [
            ForecastDeal(amount: yuan(100_000), stageKey: "negotiation", expectedClose: day("2026-03-31")),  // 70 % → 70,000
            ForecastDeal(amount: Money(fen: 33_333), stageKey: "proposal", expectedClose: day("2026-01-05")),  // 40 % of 333.33 → 133.33(2)
            ForecastDeal(amount: Money(fen: 12_345), stageKey: "prospect", expectedClose: day("2026-02-01")),  // 10 % → 12.345 → 12.35
            ForecastDeal(amount: yuan(500_000), stageKey: "negotiation", expectedClose: day("2026-04-01")),  // next quarter
            ForecastDeal(amount: yuan(80_000), stageKey: "won", expectedClose: day("2026-02-01")),           // counted in won
            ForecastDeal(amount: yuan(80_000), stageKey: "lost", expectedClose: day("2026-02-01")),
            ForecastDeal(amount: yuan(80_000), stageKey: "mystery", expectedClose: day("2026-02-01")),
        ]
        let f = try Targets.forecast(deals: deals, won: yuan(200_000), period: TargetPeriod("2026-Q1")!)
        #expect(f.weightedOpen == Money(fen: 7_000_000 + 13_333 + 1_235))
        #expect(f.total == Money(fen: 27_014_568))
        #expect(f.won == yuan(200_000))
    }

    @Test("forecast accuracy is 1 − |forecast − actual| ÷ actual, never below zero", arguments: [
        (90_000, 100_000, 9_000), (110_000, 100_000, 9_000), (100_000, 100_000, 10_000),
        (250_000, 100_000, 0), (200_000, 100_000, 0), (0, 100_000, 0), (33_333, 100_000, 3_333),
    ] as [(Int64, Int64, Int64)])
    func accuracy(forecast: Int64, actual: Int64, basisPoints: Int64) {
        #expect(Targets.forecastAccuracy(forecast: Money(fen: forecast), actual: Money(fen: actual)) == Percent(basisPoints: basisPoints))
    }

    @Test("with nothing sold, forecasting nothing is fully accurate and anything else not at all")
    func accuracyWithNothingSold() {
        #expect(Targets.forecastAccuracy(forecast: .zero, actual: .zero) == Percent(percent: 100))
        #expect(Targets.forecastAccuracy(forecast: Money(fen: 1), actual: .zero) == .zero)
        #expect(Targets.forecastAccuracy(forecast: Money(fen: .max), actual: Money(fen: 1)) == .zero)
    }
}
