import Fluent
import Foundation
import Vapor
import VanguardCore

/// The sales part of `serve --demo`: a few hundred customers of the sales group with contacts,
/// visits and calls, follow-ups due today and overdue, and a believable pipeline. Deterministic,
/// loaded once, written straight to the tables in one transaction (the same rules as the API:
/// classes and scores from the policy pack, no deal past a stage its facts do not allow).
enum SalesDemo {
    static func load(_ app: Application, customers count: Int = 300, seed: UInt64 = 7) async throws {
        let db = app.db
        guard try await Customer.query(on: db).withDeleted().count() == 0 else { return }
        guard let salesGroup = try await TeamGroup.query(on: db).filter(\.$key == "sales").first() else { return }
        let sellers = try await Member.query(on: db).filter(\.$group.$id == salesGroup.id!).sort(\.$employeeNo).all()
        guard !sellers.isEmpty else { return }
        let pack = try await app.policy.current(on: db).effectiveSales
        let rules = pack.effectiveClassification
        let industries = pack.effectiveIndustries.map(\.key)
        let now = app.clock.now()
        let today = CivilDate.on(now)
        let cities = ["上海", "北京", "深圳", "杭州", "苏州", "南京", "成都", "武汉", "厦门", "青岛", "宁波", "合肥", "长沙", "西安", "天津", "广州"]
        let words = ["星辰", "海岸", "金石", "云帆", "青禾", "长江", "天府", "蓝海", "松石", "瑞丰", "恒信", "华腾", "明德", "嘉禾", "博远", "致远", "锦程", "中科", "新源", "安泰"]
        let trades = ["科技", "电子", "机电", "食品", "物流", "医疗器械", "建筑工程", "贸易", "软件", "精密制造", "新材料", "环保设备"]
        let surnames = Array("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高")
        let given = Array("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂")
        let titles = ["采购经理", "总经理", "技术总监", "财务主管", "行政经理", "项目经理"]
        let sources = SourceChannel.allCases
        let sizes = CustomerSize.allCases
        try await db.writeTransaction { db in
            // The price list quotes are built from (SAL-3).
            for (code, name, nameEn, category, unit, yuan) in [
                ("CNC-200", "数控机床 CNC-200", "CNC machine CNC-200", "设备", "台", 120_000), ("CNC-350", "数控机床 CNC-350", "CNC machine CNC-350", "设备", "台", 198_000),
                ("ROB-A6", "六轴机器人 A6", "Six-axis robot A6", "设备", "台", 86_000), ("CTRL-X1", "控制系统 X1", "Controller X1", "系统", "套", 32_000),
                ("SVC-INSTALL", "安装调试服务", "Installation and commissioning", "服务", "次", 8_000), ("SVC-CARE", "年度维保", "Annual maintenance", "服务", "年", 15_000),
                ("SPARE-KIT", "备件包", "Spare parts kit", "备件", "套", 2_600), ("TRAIN-OP", "操作培训", "Operator training", "服务", "人天", 1_200),
            ] {
                let p = ProductService.new()
                p.code = code; p.name = name; p.nameEn = nameEn; p.category = category; p.unit = unit; p.listPriceFen = Int64(yuan) * 100
                try await p.create(on: db)
            }
            var names = Set<String>()
            var rng = SplitMix64(seed: seed)
            func pick<T>(_ items: [T]) -> T { items[Int(rng.next() % UInt64(items.count))] }
            func day(_ offset: Int) -> String { CivilDate.on(now.addingTimeInterval(Double(offset) * 86_400)).description }
            for i in 0..<count {
                var name = ""
                repeat { name = pick(cities) + pick(words) + pick(trades) + "有限公司" } while !names.insert(DuplicateCustomers.nameKey(name)).inserted && names.count < 5_000
                let owner = sellers[i % sellers.count]
                let c = Customer()
                c.name = name
                c.nameKey = DuplicateCustomers.nameKey(name)
                c.kind = CustomerKind.company.rawValue
                let region = String(format: "%06d", 110_000 + Int(rng.next() % 700_000))
                let body = "91" + region + String((0..<9).map { _ in pick(Array("0123456789ABCDEFGHJKLMNPQRTUWXY")) })
                c.uscc = body + String(Validators.usccCheckCharacter(body)!)
                c.industry = pick(industries)
                c.region = String(name.prefix(2))
                c.size = pick(sizes).rawValue
                c.source = pick(sources).rawValue
                c.status = CustomerStatus.prospect.rawValue
                c.expectedAnnualYuan = Int64([20_000, 80_000, 150_000, 400_000, 900_000, 2_000_000][Int(rng.next() % 6)])
                c.score = rules.score(ProspectFacts(size: c.size.flatMap(CustomerSize.init), expectedAnnualYuan: c.expectedAnnualYuan, source: SourceChannel(rawValue: c.source)))
                c.customerClass = rules.classFor(score: c.score)
                c.phone = String(format: "0%d-%08d", [21, 10, 755, 571, 512, 25, 28, 27][Int(rng.next() % 8)], 60_000_000 + Int(rng.next() % 30_000_000))
                c.phoneKey = c.phone.map(DuplicateCustomers.phoneKey)
                c.address = c.region + "市" + pick(["高新区", "经开区", "工业园", "滨江路", "人民路"]) + "\(1 + rng.next() % 300)号"
                c.notes = ""
                c.ownerMemberId = owner.id
                c.version = 1
                c.searchText = ""
                try await c.create(on: db)
                for k in 0..<(1 + Int(rng.next() % 3)) {
                    let p = ContactService.new()
                    p.$customer.id = c.id!
                    p.name = String(pick(surnames)) + String(pick(given)) + (rng.next() % 2 == 0 ? String(pick(given)) : "")
                    p.title = pick(titles)
                    p.mobile = "13\(rng.next() % 10)" + String(format: "%08d", Int(rng.next() % 100_000_000))
                    p.phoneKey = p.mobile
                    p.email = "contact\(i)_\(k)@example.cn"
                    p.wechat = "wx_\(i)_\(k)"
                    p.birthday = String(format: "%04d-%02d-%02d", 1965 + Int(rng.next() % 30), 1 + Int(rng.next() % 12), 1 + Int(rng.next() % 28))
                    p.birthdayCalendar = rng.next() % 4 == 0 ? BirthdayCalendar.lunar.rawValue : BirthdayCalendar.gregorian.rawValue
                    p.isPrimary = k == 0
                    try await p.create(on: db)
                }
                // Found by its contacts' mobiles too.
                try await CustomerSearch.refresh(c.id!, on: db)
                let needs = pick(["需要替换老旧设备，预算在第四季度", "希望缩短交付周期，关注售后响应", "计划扩建产线，需要整体方案", "对价格敏感，需要分期付款"])
                var dealId: UUID?
                if i % 3 != 2 {
                    // Two deals in three customers: most early in the pipeline, some at proposal, a few lost.
                    let roll = rng.next() % 10
                    let stage = roll < 4 ? "prospect" : roll < 7 ? "visited" : roll < 9 ? "proposal" : "lost"
                    let o = OpportunityService.new(owner: owner.id, now: now.addingTimeInterval(-Double(rng.next() % 40) * 86_400))
                    o.$customer.id = c.id!
                    o.title = pick(["年度采购", "设备更新", "二期扩建", "试点项目", "框架协议", "备件采购"])
                    o.amountFen = Int64(10_000 + rng.next() % 490_000) * 100
                    o.expectedClose = day(Int(rng.next() % 120) - 20)
                    o.source = c.source
                    o.stage = stage
                    if stage == "proposal" || stage == "lost" { o.needs = needs }
                    if stage == "lost" { o.lossReason = pick(["预算冻结", "选择了竞争对手", "需求取消"]); o.closedOn = day(-Int(rng.next() % 20)) }
                    try await o.create(on: db)
                    dealId = o.id
                    let line = ["prospect", "visited", "proposal"]
                    var previous: String?
                    for s in line.prefix((line.firstIndex(of: stage) ?? 2) + 1) + (stage == "lost" ? ["lost"] : []) {
                        let change = StageChange()
                        change.$opportunity.id = o.id!
                        change.fromStage = previous
                        change.toStage = s
                        change.changedAt = o.stageChangedAt
                        change.amountFen = o.amountFen
                        try await change.create(on: db)
                        previous = s
                    }
                }
                for k in 0..<(1 + Int(rng.next() % 3)) {
                    let a = ActivityService.new(owner: owner.id)
                    a.$customer.id = c.id!
                    a.opportunityId = dealId
                    a.kind = pick([ActivityKind.call, .visit, .visit, .tradeShow, .email]).rawValue
                    a.occurredOn = day(-Int(rng.next() % 60))
                    a.summary = pick(["电话沟通采购计划", "上门拜访，演示产品", "展会交流，交换名片", "发送产品资料", "与技术负责人会面"])
                    a.needs = k == 0 ? needs : ""
                    a.nextStep = pick(["发送报价", "安排技术交流", "回访确认需求", "寄送样品"])
                    // Spread follow-ups around today so every rep's day has some due and some overdue.
                    a.nextStepOn = day(Int(rng.next() % 15) - 7)
                    try await a.create(on: db)
                }
            }
        }
        try await accounts(app, sellers: sellers, seed: seed &+ 1)
        // The demo writes its stage history straight into the log; the report's roll-up follows.
        try await db.writeTransaction { db in try await StageDays.rebuild(on: db) }
        try await db.analyze()
        app.logger.info("Demo sales data loaded: \(count) customers for \(sellers.count) sellers (as of \(today)).")
    }

    /// The money side of the demo (SP-4, SP-5, RSK-S2): twenty customers who already bought — an
    /// accepted quote, a signed contract, the deal won, a credit assessment, orders (some late),
    /// invoices of every age and some payments — so orders, receivables and credit have something to show.
    static func accounts(_ app: Application, sellers: [Member], seed: UInt64) async throws {
        let db = app.db
        let now = app.clock.now()
        let customers = try await Customer.query(on: db).filter(\.$ownerMemberId ~~ sellers.compactMap(\.id)).sort(\.$nameOrder).limit(20).all()
        let policy = try await app.policy.current(on: db).effectiveSales
        try await db.writeTransaction { db in
            var rng = SplitMix64(seed: seed)
            func day(_ offset: Int) -> String { CivilDate.on(now.addingTimeInterval(Double(offset) * 86_400)).description }
            // This quarter's targets (SAL-1): the sales group's split evenly across its people.
            let today = CivilDate.on(now)
            if let quarter = TargetPeriod.quarter(today.year, (today.month - 1) / 3 + 1), let group = sellers.first?.$group.id {
                let each: Int64 = 1_200_000_00
                let rows: [(String, UUID?, Int64)] = [("team", nil, each * Int64(sellers.count)), ("group", group, each * Int64(sellers.count))]
                    + sellers.map { ("person", $0.id, each) }
                for (level, id, fen) in rows {
                    let t = SalesTarget()
                    t.period = quarter.description; t.level = level; t.subjectId = id; t.amountFen = fen
                    try await t.create(on: db)
                }
            }
            for (i, c) in customers.enumerated() {
                let yuan = Int64(50_000 + rng.next() % 450_000)
                let deal = OpportunityService.new(owner: c.ownerMemberId, now: now.addingTimeInterval(-Double(60 + i) * 86_400))
                deal.$customer.id = c.id!; deal.title = "首批订单"; deal.amountFen = yuan * 100; deal.source = c.source
                deal.needs = "产线设备更新"; deal.stage = "won"; deal.closedOn = day(-40 - i); deal.expectedClose = deal.closedOn
                try await deal.create(on: db)
                var previous: String?
                for stage in ["prospect", "visited", "proposal", "negotiation", "won"] {
                    let change = StageChange()
                    change.$opportunity.id = deal.id!; change.fromStage = previous; change.toStage = stage
                    change.changedAt = now.addingTimeInterval(-Double(90 - (previous == nil ? 0 : 10) + i) * 86_400); change.amountFen = deal.amountFen
                    try await change.create(on: db)
                    previous = stage
                }
                let q = Quote()
                q.number = "Q-DEMO-\(String(format: "%03d", i + 1))"; q.$opportunity.id = deal.id!; q.customerId = c.id!; q.ownerMemberId = c.ownerMemberId
                q.status = QuoteStatus.accepted.rawValue; q.validUntil = day(-30); q.extraDiscountBP = 0; q.serviceTerms = "免费安装调试，一年保修"; q.notes = ""
                q.subtotalFen = deal.amountFen; q.discountFen = 0; q.netFen = deal.amountFen; q.effectiveDiscountBP = 0; q.approvalNeeded = false
                q.sentAt = now.addingTimeInterval(-Double(55 + i) * 86_400); q.version = 1
                try await q.create(on: db)
                let line = QuoteLineRecord()
                line.$quote.id = q.id!; line.position = 0; line.productCode = "CNC-200"; line.description = "数控机床 CNC-200"; line.unit = "台"
                line.quantityThousandths = 1000; line.unitPriceFen = deal.amountFen; line.discountBP = 0; line.netFen = deal.amountFen
                try await line.create(on: db)
                let k = Contract()
                k.number = "C-DEMO-\(String(format: "%03d", i + 1))"; k.$opportunity.id = deal.id!; k.customerId = c.id!; k.quoteId = q.id!
                k.ownerMemberId = c.ownerMemberId; k.title = "设备采购合同"; k.amountFen = deal.amountFen; k.paymentTerms = "30%预付，验收后30天内付清"
                k.deliveryTerms = q.serviceTerms; k.status = ContractStatus.signed.rawValue; k.signedOn = deal.closedOn; k.version = 1
                try await k.create(on: db)
                for item in policy.effectiveContracts.checklist {
                    let m = ContractReviewMark()
                    m.$contract.id = k.id!; m.itemKey = item.key; m.verdict = ReviewVerdict.passed.rawValue; m.reviewerName = "陈志远"; m.reviewedAt = now.addingTimeInterval(-50 * 86_400)
                    try await m.create(on: db)
                }
                let a = ContractApproval()
                a.$contract.id = k.id!; a.userId = UUID.timeOrdered(); a.approverName = "刘建国"; a.note = ""; a.approvedAt = now.addingTimeInterval(-45 * 86_400)
                try await a.create(on: db)
                c.status = CustomerStatus.customer.rawValue
                try await c.save(on: db)
                let assessment = CreditRules.assess(CreditFactors(onTimeShare: [0.99, 0.9, 0.7][i % 3], yearsInBusiness: 3 + i, registeredCapital: Money(fen: Int64(2_000_000 + i * 3_000_000) * 100),
                                                                  industryRisk: [.low, .medium, .high][i % 3]), on: CivilDate.on(now.addingTimeInterval(-30 * 86_400)), policy: policy.effectiveCredit)
                let r = CreditAssessmentRecord()
                r.customerId = c.id!; r.onTimeShare = [0.99, 0.9, 0.7][i % 3]; r.overdueFen = 0; r.yearsInBusiness = 3 + i; r.registeredCapitalFen = Int64(2_000_000 + i * 3_000_000) * 100
                r.industryRisk = [IndustryRisk.low, .medium, .high][i % 3].rawValue; r.score = assessment.score; r.rating = assessment.rating.rawValue
                r.limitFen = assessment.limit.fen; r.assessedOn = assessment.assessedOn.description; r.nextReview = assessment.nextReview.description
                r.notes = ""; r.assessorName = "财务部"
                try await r.create(on: db)
                let o = SalesOrder()
                o.number = "SO-DEMO-\(String(format: "%03d", i + 1))"; o.contractId = k.id!; o.opportunityId = deal.id!; o.customerId = c.id!; o.ownerMemberId = c.ownerMemberId
                o.amountFen = deal.amountFen; o.creditDecision = "allowed"; o.notes = ""; o.version = 1
                // A third delivered and accepted, a third delivered, a third still open (some of those late).
                switch i % 3 {
                case 0: o.status = OrderStatus.accepted.rawValue; o.plannedDelivery = day(-25); o.actualDelivery = day(-24); o.acceptedOn = day(-20)
                case 1: o.status = OrderStatus.delivered.rawValue; o.plannedDelivery = day(-10); o.actualDelivery = day(-7)
                default: o.status = OrderStatus.open.rawValue; o.plannedDelivery = day(i % 2 == 0 ? -5 : 12)
                }
                try await o.create(on: db)
                if i % 3 != 2 {
                    let inv = SalesInvoice()
                    inv.number = "INV-DEMO-\(String(format: "%03d", i + 1))"; inv.customerId = c.id!; inv.orderId = o.id; inv.amountFen = o.amountFen
                    // Due dates spread over every ageing bucket.
                    let dueOffset = [20, -10, -45, -75, -120][i % 5]
                    inv.issuedOn = day(dueOffset - 30); inv.dueOn = day(dueOffset)
                    try await inv.create(on: db)
                    if i % 4 == 0 {
                        let p = SalesPayment()
                        p.customerId = c.id!; p.invoiceId = inv.id; p.amountFen = o.amountFen * 3 / 10; p.receivedOn = day(dueOffset - 25); p.reference = "预付款"
                        try await p.create(on: db)
                    }
                }
            }
        }
    }
}
