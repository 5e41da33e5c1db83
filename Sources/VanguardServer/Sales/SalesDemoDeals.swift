import Fluent
import Foundation
import VanguardCore

/// The demo's open pipeline: each deal walks the pack's stages from the day it was created, staying
/// days to weeks in each, so the board has every stage filled and the reports have real times in
/// stage. A deal never enters a stage whose requirements it lacks: it has its needs before the
/// proposal and a quote in the customer's hands before negotiation, as the rules ask of people.
struct SalesDemoDeals {
    var pipeline: Pipeline
    var products: [Product]
    var now: Date

    /// When a deal entered each stage, oldest first. The walk stops at `target`, or at the first
    /// move that would still lie in the future; a deal to be lost is lost from `target` after its stay.
    static func path(line: [String], target: Int, lost: String?, created: Date, now: Date, rng: inout SplitMix64) -> [(stage: String, at: Date)] {
        var moves = [(stage: line[0], at: created)]
        var at = created
        for k in 0..<min(target, line.count - 1) {
            at = at.addingTimeInterval(stay(after: k, rng: &rng))
            guard at < now else { return moves }
            moves.append((line[k + 1], at))
        }
        if let lost {
            at = at.addingTimeInterval(stay(after: target, rng: &rng))
            if at < now { moves.append((lost, at)) }
        }
        return moves
    }

    /// Days to weeks in a stage, longer further down the line (proposals and negotiations take a while).
    static func stay(after k: Int, rng: inout SplitMix64) -> TimeInterval {
        Double(Int.random(in: 3...(12 + 5 * k), using: &rng)) * 86_400 + Double(rng.next() % 28_800)
    }

    /// One open or lost deal for `customer` with its stage history and, from negotiation on, its quote.
    func write(customer: Customer, needs: String, rng: inout SplitMix64, on db: any Database) async throws -> Opportunity {
        let line = pipeline.openStages.filter { !$0.requires.contains(.signedContract) }.map(\.key)
        let lostKey = pipeline.stages.first { $0.outcome == .lost }?.key
        // Early stages hold most deals; about one in seven is lost somewhere along the way.
        let weights = line.indices.map { line.count - $0 + 1 }
        var roll = Int.random(in: 0..<weights.reduce(0, +), using: &rng), target = 0
        while roll >= weights[target] { roll -= weights[target]; target += 1 }
        let lost = rng.next() % 7 == 0 ? lostKey : nil
        let created = now.addingTimeInterval(-Double(Int.random(in: 2...150, using: &rng)) * 86_400 - Double(rng.next() % 28_800))
        let moves = Self.path(line: line, target: target, lost: lost, created: created, now: now, rng: &rng)
        let reached = moves.map(\.stage)
        func required(_ r: StageRequirement) -> Date? {
            moves.first { move in pipeline.stage(move.stage)?.requires.contains(r) ?? false }?.at
        }

        let o = OpportunityService.new(owner: customer.ownerMemberId, now: moves.last!.at)
        o.$customer.id = customer.id!
        o.title = ["年度采购", "设备更新", "二期扩建", "试点项目", "框架协议", "备件采购"][Int(rng.next() % 6)]
        o.amountFen = Int64(Int.random(in: 10_000...500_000, using: &rng)) * 100
        o.source = customer.source
        o.stage = reached.last!
        // Needs are learned on the visit; any deal past it has them, as the proposal requires.
        if reached.count > 1 || required(.needs) != nil { o.needs = needs }
        // Mostly in the coming months; some already past the date the rep expected.
        o.expectedClose = CivilDate.on(now.addingTimeInterval(Double(Int.random(in: -15...120, using: &rng)) * 86_400)).description
        if reached.last == lostKey {
            o.lossReason = ["预算冻结", "选择了竞争对手", "需求取消"][Int(rng.next() % 3)]
            o.closedOn = CivilDate.on(moves.last!.at).description
        }
        let quoteDay = required(.quote)?.addingTimeInterval(-86_400)
        let lines = quoteDay == nil ? [] : quoteLines(rng: &rng)
        if !lines.isEmpty { o.amountFen = try QuoteRules.totals(lines: lines.map(\.rule)).net.fen }
        try await o.create(on: db)
        var previous: String?
        for move in moves {
            let change = StageChange()
            change.$opportunity.id = o.id!
            change.fromStage = previous; change.toStage = move.stage; change.changedAt = move.at; change.amountFen = o.amountFen
            try await change.create(on: db)
            previous = move.stage
        }
        if let quoteDay {
            try await writeQuote(for: o, lines: lines, sent: quoteDay, status: o.stage == lostKey ? .rejected : .sent, on: db)
        }
        return o
    }

    /// A believable offer from the price list: one or two machines or systems, installation, and a
    /// line discount at or under the threshold, so no approval is pending.
    func quoteLines(rng: inout SplitMix64) -> [QuoteLineRecord] {
        let equipment = products.filter { $0.category == "设备" || $0.category == "系统" }
        let services = products.filter { $0.category == "服务" }
        var picked: [(Product, Int64)] = (0..<Int.random(in: 1...2, using: &rng)).map { _ in
            (equipment[Int(rng.next() % UInt64(equipment.count))], Int64(Int.random(in: 1...3, using: &rng)))
        }
        if let install = services.first { picked.append((install, 1)) }
        return picked.enumerated().map { position, item in
            let line = QuoteLineRecord()
            line.position = position; line.productId = item.0.id; line.productCode = item.0.code; line.description = item.0.name
            line.unit = item.0.unit; line.quantityThousandths = item.1 * 1000; line.unitPriceFen = item.0.listPriceFen
            line.discountBP = [0, 0, 300, 500, 800][Int(rng.next() % 5)]
            line.netFen = (try? QuoteRules.totals(lines: [line.rule]).net.fen) ?? 0
            return line
        }
    }

    /// The quote as the customer received it on `sent`, valid for a month (extended to a fortnight
    /// from today for deals still negotiating, as reps do).
    @discardableResult
    func writeQuote(for o: Opportunity, lines: [QuoteLineRecord], sent: Date, status: QuoteStatus, on db: any Database) async throws -> Quote {
        let totals = try QuoteRules.totals(lines: lines.map(\.rule))
        let today = CivilDate.on(now)
        var validUntil = CivilDate.on(sent.addingTimeInterval(30 * 86_400))
        if status == .sent, validUntil < today { validUntil = CivilDate.on(now.addingTimeInterval(14 * 86_400)) }
        let q = Quote()
        q.number = try await DocumentNumbers.next(.quote, on: CivilDate.on(sent), in: db)
        q.$opportunity.id = o.id!; q.customerId = o.$customer.id; q.ownerMemberId = o.ownerMemberId
        q.status = status.rawValue; q.validUntil = validUntil.description; q.extraDiscountBP = 0
        q.serviceTerms = "免费安装调试，一年保修"; q.notes = ""
        q.subtotalFen = totals.subtotal.fen; q.discountFen = totals.discount.fen; q.netFen = totals.net.fen
        q.effectiveDiscountBP = totals.effectiveDiscount.basisPoints; q.approvalNeeded = false
        q.sentAt = sent; q.version = 1
        try await q.create(on: db)
        for line in lines {
            line.$quote.id = q.id!
            try await line.create(on: db)
        }
        return q
    }
}
