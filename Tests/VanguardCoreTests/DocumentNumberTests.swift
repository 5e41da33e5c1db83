import Testing
@testable import VanguardCore

@Suite("Document numbers: kind, period and place in it, counted, never random")
struct DocumentNumberTests {
    let day = CivilDate("2026-11-30")!

    @Test("tickets count by day, invoices by day with the century, quotes, contracts and orders by month")
    func periods() {
        #expect(DocumentSeries.ticket.period(day) == "261130")
        #expect(DocumentSeries.invoice.period(day) == "20261130")
        #expect([DocumentSeries.quote, .contract, .order].map { $0.period(day) } == ["202611", "202611", "202611"])
    }

    @Test("four digits at least, more when a period needs them; each kind its own letter")
    func numbers() {
        #expect(DocumentSeries.ticket.number(period: "261130", sequence: 7) == "T261130-0007")
        #expect(DocumentSeries.quote.number(period: "202611", sequence: 12) == "Q202611-0012")
        #expect(DocumentSeries.order.number(period: "202611", sequence: 12_345) == "SO202611-12345")
        #expect(DocumentSeries.invoice.number(period: "20261130", sequence: 1) == "INV20261130-0001")
        #expect(Set(DocumentSeries.allCases.map { $0.number(period: "x", sequence: 1) }).count == DocumentSeries.allCases.count)
    }
}
