import Fluent
import Foundation
import Vapor
import VanguardCore

/// The service side of `serve --demo` (issue 5, item 10): a month of tickets on the bought
/// customers, in every state, with their clocks, department tasks and answered surveys; and
/// today's care list.
enum ServiceDemo {
    static func load(_ app: Application, seed: UInt64 = 11) async throws {
        let db = app.db
        guard try await Ticket.query(on: db).withDeleted().count() == 0,
              let serviceGroup = try await TicketService.serviceGroup(on: db) else { return }
        let agents = try await Member.query(on: db).filter(\.$group.$id == serviceGroup).sort(\.$employeeNo).all()
        let customers = try await Customer.query(on: db).filter(\.$status == CustomerStatus.customer.rawValue).sort(\.$nameOrder).limit(20).all()
        let departments = try await Department.query(on: db).sort(\.$code).all()
        guard !agents.isEmpty, !customers.isEmpty else { return }
        let policy = try await app.policy.current(on: db).effectiveService
        let calendar = policy.effectiveCalendar.workingCalendar()
        let now = app.clock.now()
        let subjects: [(TicketType, String)] = [
            (.complaint, "到货外箱破损"), (.complaint, "安装工程师迟到两小时"), (.complaint, "发票抬头开错"), (.complaint, "设备运行噪音大"),
            (.inquiry, "询问保修期限"), (.inquiry, "咨询批量采购折扣"), (.inquiry, "需要产品说明书电子版"),
            (.dispute, "对账金额不一致"), (.afterSales, "更换滤芯"), (.afterSales, "上门维修控制面板"),
        ]
        let causes = policy.ticketRules.causes.map(\.key)
        try await db.writeTransaction { db in
            var rng = SplitMix64(seed: seed)
            func pick<T>(_ items: [T]) -> T { items[Int(rng.next() % UInt64(items.count))] }
            for i in 0..<60 {
                let (type, subject) = pick(subjects)
                let opened = now.addingTimeInterval(-Double(rng.next() % (30 * 86_400)) - 3_600)
                let customer = pick(customers)
                let t = TicketService.new(createdBy: nil, assignee: i % 7 == 0 ? nil : pick(agents).id, now: opened, today: CivilDate.on(opened))
                t.id = UUID.timeOrdered()
                t.type = type.rawValue
                t.subject = subject
                t.customerId = customer.id!
                t.channel = pick(TicketChannel.allCases).rawValue
                t.priority = i % 10 == 0 ? TicketPriority.high.rawValue : TicketPriority.normal.rawValue
                // Older tickets are further along: most of the month's work is done.
                let age = now.timeIntervalSince(opened)
                t.number = try await DocumentNumbers.next(.ticket, on: CivilDate.on(opened), in: db)
                try await t.create(on: db)
                var path: [TicketStatus] = [.new]
                if age > 3_600 { path.append(.acknowledged) }
                if age > 86_400 { path.append(.inProgress) }
                if age > 3 * 86_400 && i % 5 != 0 { path.append(.resolved) }
                if age > 5 * 86_400 && i % 5 != 0 && i % 3 != 0 { path.append(.closed) }
                if i % 9 == 4 && path.last == .inProgress { path.append(.waitingOnCustomer) }
                var at = opened
                for (from, to) in zip(path, path.dropFirst()) {
                    at = at.addingTimeInterval(Double(1_200 + rng.next() % UInt64(max(1, min(age / Double(path.count), 2 * 86_400)))))
                    if at > now { break }
                    if to == .resolved { t.cause = pick(causes); t.resolution = "已处理：" + subject; t.resolvedAt = at }
                    if to == .closed { t.closedAt = at }
                    t.status = to.rawValue
                    try await TicketService.timeline(t, kind: .status, body: "", visible: false, from: from, to: to, at: at, by: nil, on: db)
                }
                try await TicketService.timeline(t, kind: .customerUpdate, body: "已收到您的反馈，正在处理。", visible: true, from: nil, to: nil,
                                                 at: opened.addingTimeInterval(1_800), by: nil, on: db)
                try await TicketService.refreshClocks(t, policy: policy, calendar: calendar, now: now, on: db)
                try await t.save(on: db)
                if type == .complaint, t.ticketStatus.isOpen, !departments.isEmpty {
                    let d = DepartmentTask()
                    d.ticketId = t.id!; d.departmentId = pick(departments).id!; d.request = "请协助核实：" + subject; d.holder = ""
                    d.dueOn = CivilDate.on(opened.addingTimeInterval(3 * 86_400)).description; d.status = DepartmentTaskStatus.open.rawValue
                    d.answer = ""; d.createdAt = opened; d.version = 1
                    try await d.create(on: db)
                }
                if let closed = t.closedAt {
                    let s = SatisfactionSurvey()
                    s.ticketId = t.id!; s.token = Secrets.token(prefix: ""); s.sentAt = closed; s.comment = ""
                    if i % 4 != 0 { s.score = [5, 5, 4, 4, 3, 2][Int(rng.next() % 6)]; s.answeredAt = closed.addingTimeInterval(7_200) }
                    try await s.create(on: db)
                }
            }
            // Two months of feedback from calls and surveys (SVC-3), most of it routed, some answered,
            // so the monthly digest has something to show for this month and the last.
            let feedback: [(FeedbackSource, String, String)] = [
                (.service, "delivery", "送货时间比约定晚了两天"), (.survey, "product", "希望滤芯能通用老型号"), (.service, "service", "客服电话高峰期难打通"),
                (.visit, "price", "配件价格比同行偏高"), (.survey, "delivery", "外包装需要加固"), (.service, "product", "控制面板说明书看不懂"),
            ]
            for k in 0..<18 {
                let (source, category, text) = feedback[k % feedback.count]
                let f = FeedbackService.new(owner: pick(agents).id, at: now.addingTimeInterval(-Double(rng.next() % (60 * 86_400))))
                f.customerId = pick(customers).id; f.source = source.rawValue; f.category = category; f.summary = text; f.detail = text
                if k % 5 != 4, !departments.isEmpty {
                    f.departmentId = pick(departments).id
                    f.status = k % 3 == 0 ? FeedbackStatus.answered.rawValue : FeedbackStatus.routed.rawValue
                    if k % 3 == 0 { f.response = "已改进：" + text }
                }
                try await f.create(on: db)
            }
            try await ServiceDays.rebuild(on: db)
        }
        _ = try await CareJob.run(app, from: CivilDate.on(now), through: CivilDate.on(now), now: now)
        app.logger.info("Demo service data loaded: 60 tickets over the last month, today's care list.")
    }
}
