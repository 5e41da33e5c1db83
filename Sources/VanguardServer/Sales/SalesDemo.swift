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
            var deals = SalesDemoDeals(pipeline: pack.pipeline, products: [], now: now)
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
                deals.products.append(p)
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
                // Two deals in three customers, each with its way through the pipeline so far.
                let dealId = i % 3 == 2 ? nil : try await deals.write(customer: c, needs: needs, rng: &rng, on: db).id
                // Contacts over the last two months, oldest first. Each next step was done at the next
                // contact; only the latest is open: mostly in the coming weeks, some due today, a few
                // overdue, so a rep's day holds a handful of each rather than every customer at once.
                var days = Set<Int>(), contacts = 1 + Int(rng.next() % 3)
                while days.count < contacts { days.insert(Int(rng.next() % 60)) }
                let daysAgo = days.sorted(by: >)
                for (k, ago) in daysAgo.enumerated() {
                    let a = ActivityService.new(owner: owner.id)
                    a.$customer.id = c.id!
                    a.opportunityId = dealId
                    a.kind = pick([ActivityKind.call, .visit, .visit, .tradeShow, .email]).rawValue
                    a.occurredOn = day(-ago)
                    a.summary = pick(["电话沟通采购计划", "上门拜访，演示产品", "展会交流，交换名片", "发送产品资料", "与技术负责人会面"])
                    a.needs = k == 0 ? needs : ""
                    a.nextStep = pick(["发送报价", "安排技术交流", "回访确认需求", "寄送样品"])
                    if k + 1 < daysAgo.count {
                        a.nextStepOn = day(-daysAgo[k + 1])
                        a.nextStepDoneAt = now.addingTimeInterval(-Double(daysAgo[k + 1]) * 86_400)
                    } else {
                        let roll = rng.next() % 12
                        a.nextStepOn = day(roll == 0 ? -1 - Int(rng.next() % 5) : roll == 1 ? 0 : 1 + Int(rng.next() % 21))
                    }
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
}
