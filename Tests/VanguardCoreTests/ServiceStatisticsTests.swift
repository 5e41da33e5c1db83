import Foundation
import Testing
@testable import VanguardCore

/// The periodic service analysis (SVC-5) and the repeat-complaint warning (RSK-C1).
@Suite("Service statistics (SVC-5, RSK-C1)")
struct ServiceStatisticsTests {
    @Test("median and p90 by nearest rank: always a time that really occurred")
    func percentiles() {
        #expect(ServiceStatistics.median([30, 5, 12]) == 12)
        #expect(ServiceStatistics.median([10, 20, 30, 40]) == 20, "the lower middle value for an even count")
        #expect(ServiceStatistics.p90(Array(1...10)) == 9)
        #expect(ServiceStatistics.p90(Array(1...11)) == 10)
        #expect(ServiceStatistics.p90([5, 7, 300]) == 300, "one slow ticket in three shows in the p90")
        #expect(ServiceStatistics.p90([42]) == 42)
        #expect(ServiceStatistics.median([]) == nil)
        #expect(ServiceStatistics.percentile(0, of: [3, 1, 2]) == 1)
        #expect(ServiceStatistics.percentile(100, of: [3, 1, 2]) == 3)
    }

    @Test("attainment is met ÷ (met + breached); open clocks do not count and no outcome is no figure")
    func attainment() {
        #expect(ServiceStatistics.attainmentPercent([.met, .met, .met, .breached, .running, .paused]) == 75)
        #expect(ServiceStatistics.attainmentPercent([.running, .paused]) == nil)
        #expect(ServiceStatistics.attainmentPercent([]) == nil)
        #expect(ServiceStatistics.attainmentPercent([.breached]) == 0)
    }

    @Test("satisfaction averages scores 1–5 and shows how many gave each; other values are set aside")
    func satisfaction() {
        let s = ServiceStatistics.satisfaction([5, 4, 4, 0, 6, 3])
        #expect(s.count == 4)
        #expect(s.average == 4.0)
        #expect(s.distribution == [0, 0, 1, 2, 1])
        #expect(s.ignored == 2)
        #expect(ServiceStatistics.satisfaction([]).average == nil)
    }

    @Test("top causes, most frequent first, ties by key")
    func causes() {
        let top = ServiceStatistics.topCauses(["misuse", "delivery", "product", "delivery", "billing", "product", "delivery"], limit: 3)
        #expect(top == [.init(key: "delivery", count: 3), .init(key: "product", count: 2), .init(key: "billing", count: 1)])
    }

    @Test("customers with three or more complaints in the period are repeat complainers")
    func repeatComplainers() {
        let complaints = [("c1", "2026-03-02"), ("c1", "2026-03-15"), ("c1", "2026-03-31"),
                          ("c2", "2026-02-28"), ("c2", "2026-03-05"), ("c2", "2026-03-06"),
                          ("c3", "2026-03-01"), ("c3", "2026-03-02"), ("c3", "2026-03-03"), ("c3", "2026-03-04")]
            .map { ServiceStatistics.Complaint(customerId: $0.0, on: civil($0.1)) }
        let flagged = ServiceStatistics.repeatComplainers(complaints, from: civil("2026-03-01"), through: civil("2026-03-31"))
        #expect(flagged == [.init(key: "c3", count: 4), .init(key: "c1", count: 3)], "c2's February complaint is outside the period")
        #expect(ServiceStatistics.repeatComplainers(complaints, from: civil("2026-03-01"), through: civil("2026-03-31"), threshold: 2).map(\.key) == ["c3", "c1", "c2"])
    }

    @Test("durations are counted in buckets: exact minutes below two hours, then never reported shorter and at most one bucket longer")
    func durationBuckets() {
        #expect(DurationHistogram.minutes(seconds: 89) == 1 && DurationHistogram.minutes(seconds: 90) == 2, "half a minute rounds up")
        #expect(DurationHistogram.minutes(seconds: -5) == 0)
        #expect(DurationHistogram.bucket(minutes: 0) == 0 && DurationHistogram.bucket(minutes: 119) == 119)
        #expect(DurationHistogram.bucket(minutes: 121) == 125 && DurationHistogram.bucket(minutes: 125) == 125)
        #expect(DurationHistogram.bucket(minutes: 1_441) == 1_470, "past a day: half-hour buckets")
        #expect(DurationHistogram.bucket(minutes: 20_000) == 20_160, "past ten days: four-hour buckets")
        for m in stride(from: 0, to: 30_000, by: 7) {
            let b = DurationHistogram.bucket(minutes: m)
            #expect(b >= m && (m < 120 ? b == m : Double(b - m) <= Double(m) * 0.03 + 1), "bucket \(b) for \(m)")
        }
    }

    @Test("a percentile over bucket counts equals the exact percentile when every time is below two hours")
    func histogramPercentiles() {
        let minutes = [30, 90, 5, 12, 12, 47, 118, 3, 60, 61, 75]
        let counts = Dictionary(minutes.map { (DurationHistogram.bucket(minutes: $0), 1) }, uniquingKeysWith: +)
        for p in [0, 10, 50, 90, 99, 100] {
            #expect(DurationHistogram.percentile(p, of: counts) == ServiceStatistics.percentile(p, of: minutes))
        }
        #expect(DurationHistogram.percentile(90, of: [1_470: 9, 30: 1]) == 1_470)
        #expect(DurationHistogram.percentile(50, of: [:]) == nil)
    }

    @Test("SVC-5: a ticket counts on the day it opened and, once resolved, on the day it was resolved; reopening takes the resolution back")
    func dayFigures() {
        let open = ServiceDayFigures.Ticket(type: "complaint", channel: "phone", openedOn: civil("2026-09-24"), responseSeconds: 1_800, resolvedOn: nil,
                                            resolutionSeconds: nil, cause: nil, responseBreached: false, resolutionBreached: false)
        var resolved = open
        resolved.resolvedOn = civil("2026-09-25"); resolved.resolutionSeconds = 86_400; resolved.cause = "delivery"; resolved.resolutionBreached = true
        let day = civil("2026-09-24"), next = civil("2026-09-25")
        #expect(Set(ServiceDayFigures.entries(open)) == [.init(day: day, measure: .openedByType, key: "complaint"), .init(day: day, measure: .openedByChannel, key: "phone"),
                                                         .init(day: day, measure: .responseMinutes, key: "30")])
        let resolving = ServiceDayFigures.change(from: open, to: resolved)
        #expect(resolving == [.init(day: next, measure: .resolutionMinutes, key: "1440"): 1, .init(day: next, measure: .resolvedByCause, key: "delivery"): 1,
                              .init(day: next, measure: .resolvedAttainment, key: "response.met"): 1,
                              .init(day: next, measure: .resolvedAttainment, key: "resolution.breached"): 1], "only the new figures are written")
        #expect(ServiceDayFigures.change(from: resolved, to: open).values.allSatisfy { $0 == -1 }, "reopened: the resolution is taken back")
        #expect(ServiceDayFigures.change(from: open, to: open).isEmpty)
        #expect(ServiceDayFigures.change(from: nil, to: open).count == 3)
    }
}
