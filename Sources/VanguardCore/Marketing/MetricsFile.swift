import Foundation

/// A campaign metrics file as ad platforms export it (MKT-3, MP-3): Baidu, Ocean Engine, Tencent
/// Ads and WeChat write Chinese titles, others English. Checks an already-read table and turns it
/// into `MetricsRow`s, or says for every bad cell its file row and field. Blank rows are skipped
/// (row numbers stay the file's); columns nobody asked for (CTR, average CPC…) are ignored and
/// listed. Re-importing a day replaces it: that is the server's business, not a duplicate here.
public struct MetricsFile: Sendable {
    public struct Outcome: Sendable, Equatable {
        public var rows: [MetricsRow]
        public var errors: FieldErrors
        public var ignoredColumns: [String]
    }

    /// Each field and the column titles it is known by.
    public static let fields: [(field: String, titles: [String])] = [
        ("day", ["日期", "时间", "時間", "天", "Date", "Day", "Reporting starts", "报告开始日期"]),
        ("campaign", ["活动", "活动编号", "活動編號", "推广计划", "推廣計劃", "计划名称", "广告计划", "Campaign", "Campaign code", "Campaign name"]),
        ("channel", ["渠道", "媒体", "媒體", "平台", "Channel", "Platform", "Source"]),
        ("impressions", ["展现量", "展現量", "展现", "展示数", "曝光量", "曝光", "Impressions", "Impr."]),
        ("clicks", ["点击量", "點擊量", "点击", "點擊", "点击数", "Clicks", "Link clicks"]),
        ("visits", ["访问", "訪問", "访问量", "訪問量", "访问次数", "到达", "Visits", "Sessions", "Landing page views"]),
        ("leads", ["线索", "線索", "线索量", "表单提交", "转化数", "Leads", "Conversions", "Results"]),
        ("cost", ["花费", "花費", "消费", "消費", "消耗", "成本", "Cost", "Spend", "Amount spent", "Amount spent (CNY)"]),
    ]

    static let counts = ["impressions", "clicks", "visits", "leads"]
    /// Larger than any real day of one campaign: refuses typing slips and keeps sums in range.
    static let largestCount: Int64 = 1_000_000_000_000

    /// Campaign codes (any case) to ids; channels from the policy, matched by key or any name.
    public var campaigns: [String: UUID]
    public var channels: [MarketingChannel]
    /// For a file of one campaign or one platform without that column, chosen on the import form.
    public var defaultCampaign: UUID?
    public var defaultChannel: String?

    public init(campaigns: [String: UUID], channels: [MarketingChannel], defaultCampaign: UUID? = nil, defaultChannel: String? = nil) {
        self.campaigns = Dictionary(campaigns.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { a, _ in a })
        self.channels = channels
        self.defaultCampaign = defaultCampaign
        self.defaultChannel = defaultChannel
    }

    public func validate(_ table: ImportTable) -> Outcome {
        var errors = FieldErrors()
        let (index, unknown) = table.columns(for: Self.fields)
        var required = ["day"]
        if defaultCampaign == nil { required.append("campaign") }
        if defaultChannel == nil { required.append("channel") }
        for field in required where index[field] == nil {
            let titles = Self.fields.first { $0.field == field }!.titles.prefix(2).joined(separator: " / ")
            errors.add("header", "missingColumn", "The file needs a \(titles) column.")
        }
        guard errors.isEmpty else { return Outcome(rows: [], errors: errors, ignoredColumns: unknown) }
        var rows: [MetricsRow] = []
        var firstRow: [String: Int] = [:]
        for (i, cells) in table.rows.enumerated() where !cells.allSatisfy({ $0.trimmingWhitespace().isEmpty }) {
            let row = ImportTable.fileRow(i)
            var rowErrors = FieldErrors()
            let value = { (field: String) in table.value(cells, field, in: index) }
            for (field, _) in Self.fields {
                if let v = value(field), SpreadsheetCell.isFormula(v) { rowErrors.add(field, "formula", "Looks like a spreadsheet formula; formulas are not imported.") }
            }
            guard rowErrors.isEmpty else { Self.report(rowErrors, row: row, into: &errors); continue }
            let day = value("day").flatMap(Self.date)
            if value("day") == nil { rowErrors.add("day", "required", "Give the day.") }
            else if day == nil { rowErrors.add("day", "invalidDate", "\"\(value("day")!)\" is not a date like 2026-03-05 or 2026/3/5.") }
            let campaign = value("campaign").map { campaigns[$0.lowercased()] } ?? defaultCampaign
            if let code = value("campaign"), campaign == nil { rowErrors.add("campaign", "unknownCampaign", "No campaign has the code \"\(code)\".") }
            else if campaign == nil { rowErrors.add("campaign", "required", "Give the campaign's code.") }
            let channel = value("channel").map(channelKey) ?? defaultChannel
            if let name = value("channel"), channel == nil { rowErrors.add("channel", "unknownChannel", "\"\(name)\" is not one of the policy's channels.") }
            else if channel == nil { rowErrors.add("channel", "required", "Give the channel.") }
            var figures: [String: Int64] = [:]
            for field in Self.counts {
                switch Self.count(value(field)) {
                case .success(let n): figures[field] = n
                case .failure(let e): rowErrors.add(field, e.code, e.message)
                }
            }
            var cost = Money.zero
            switch Self.cost(value("cost")) {
            case .success(let c): cost = c
            case .failure(let e): rowErrors.add("cost", e.code, e.message)
            }
            if rowErrors.isEmpty, let day, let campaign, let channel {
                let key = "\(campaign.uuidString)|\(channel)|\(day)"
                if let earlier = firstRow[key] {
                    rowErrors.add("day", "duplicate", "Row \(earlier) already has this campaign, channel and day.")
                } else {
                    firstRow[key] = row
                    rows.append(MetricsRow(campaignId: campaign, channel: channel, day: day, impressions: figures["impressions"]!,
                                           clicks: figures["clicks"]!, visits: figures["visits"]!, leads: figures["leads"]!, cost: cost))
                }
            }
            Self.report(rowErrors, row: row, into: &errors)
        }
        return Outcome(rows: errors.isEmpty ? rows : [], errors: errors, ignoredColumns: unknown)
    }

    static func report(_ rowErrors: FieldErrors, row: Int, into errors: inout FieldErrors) {
        for e in rowErrors.all { errors.add("rows[\(row)].\(e.field)", e.code, "Row \(row), \(e.field): \(e.message)") }
    }

    func channelKey(_ text: String) -> String? {
        let t = text.lowercased()
        return channels.first { c in c.key.lowercased() == t || AppLocale.allCases.contains { c.name[$0].lowercased() == t } }?.key
    }

    /// yyyy-MM-dd, yyyy-M-d, yyyy/M/d, yyyy年M月d日, or an Excel serial day number.
    public static func date(_ text: String) -> CivilDate? {
        if let d = CivilDate(text) { return d }
        // Five digits or more: 1927 onwards; shorter numbers are typing slips, not days.
        if text.count >= 5, !text.contains(where: { !$0.isASCIIDigit && $0 != "." }), let iso = SpreadsheetCell.excelSerialDate(text) { return CivilDate(iso) }
        let parts = text.split(whereSeparator: { "-/年月日".contains($0) })
        guard parts.count == 3, parts[0].count == 4, parts.allSatisfy({ $0.allSatisfy(\.isASCIIDigit) && $0.count <= 4 }),
              !text.hasSuffix("/"), !text.hasSuffix("-") else { return nil }
        return CivilDate(year: Int(parts[0])!, month: Int(parts[1])!, day: Int(parts[2])!)
    }

    /// A whole count: "1,234", "1234", "12.0" from a spreadsheet; empty, "-" and "--" (how
    /// platforms print nothing) are 0.
    static func count(_ text: String?) -> Result<Int64, FieldError> {
        guard let text, !["-", "--"].contains(text) else { return .success(0) }
        let negative = text.hasPrefix("-")
        let digits = negative ? String(text.dropFirst()) : text
        let whole = digits.hasSuffix(".0") ? String(digits.dropLast(2)) : digits
        guard let n = DecimalDigits.parse(Substring(whole), fractionDigits: 0, grouping: true) else {
            return .failure(FieldError(field: "", code: "notANumber", message: "\"\(text)\" is not a whole number."))
        }
        if negative && n > 0 { return .failure(FieldError(field: "", code: "negative", message: "Cannot be negative (got \(text)).")) }
        if n > largestCount { return .failure(FieldError(field: "", code: "tooLarge", message: "\(text) is too large for one day.")) }
        return .success(n)
    }

    /// Yuan as platforms write them ("1,234.56", "¥12"); more than two decimals, as a spreadsheet
    /// stores them, are rounded half up to the fen.
    static func cost(_ text: String?) -> Result<Money, FieldError> {
        guard let text, !["-", "--"].contains(text) else { return .success(.zero) }
        var cleaned = text
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        if parts.count == 2, parts[1].count > 2, parts[1].allSatisfy(\.isASCIIDigit) {
            let up = parts[1].dropFirst(2).first! >= "5"
            cleaned = "\(parts[0]).\(parts[1].prefix(2))"
            if up, let m = Money.parse(cleaned, allowNegative: true) { cleaned = Money(fen: m.fen + (m.isNegative ? -1 : 1)).yuanText }
        }
        guard let money = Money.parse(cleaned, allowNegative: true) else {
            return .failure(FieldError(field: "", code: "notAnAmount", message: "\"\(text)\" is not an amount in yuan."))
        }
        if money.isNegative { return .failure(FieldError(field: "", code: "negative", message: "Cannot be negative (got \(text)).")) }
        if money.fen > largestCount { return .failure(FieldError(field: "", code: "tooLarge", message: "\(text) is too large for one day.")) }
        return .success(money)
    }
}
