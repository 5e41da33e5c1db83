import Foundation

/// Day arithmetic on civil dates for due dates, ageing and credit review dates (RSK-S2).
public enum SalesCalendar {
    /// Days since 1970-01-01 (negative before it), in the proleptic Gregorian calendar.
    public static func dayNumber(_ date: CivilDate) -> Int {
        let y = date.month <= 2 ? date.year - 1 : date.year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (date.month > 2 ? date.month - 3 : date.month + 9) + 2) / 5 + date.day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The date a day number stands for (see `dayNumber`).
    public static func date(dayNumber: Int) -> CivilDate {
        let z = dayNumber + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        // The arithmetic always yields a real date.
        return CivilDate(year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month: month, day: day)!
    }

    /// Whole days from one date to another: positive when `to` is later.
    public static func days(from: CivilDate, to: CivilDate) -> Int {
        dayNumber(to) - dayNumber(from)
    }

    /// The date `days` days later (earlier when negative): an invoice's due date from its terms.
    public static func adding(days: Int, to date: CivilDate) -> CivilDate {
        self.date(dayNumber: dayNumber(date) + days)
    }

    /// The same day `months` months later, or the month's last day when it is shorter
    /// (2026-01-31 + 1 month = 2026-02-28): a credit assessment's next review date.
    public static func adding(months: Int, to date: CivilDate) -> CivilDate {
        let index = date.year * 12 + (date.month - 1) + months
        let year = index >= 0 ? index / 12 : (index - 11) / 12
        let month = index - year * 12 + 1
        return CivilDate(year: year, month: month, day: min(date.day, CivilDate.daysIn(month: month, year: year)))!
    }
}

/// An invoice issued to a customer (RSK-S2): what is owed and by when.
public struct Invoice: Sendable, Codable, Equatable {
    public var number: String
    public var amount: Money
    public var issued: CivilDate
    public var due: CivilDate

    public init(number: String, amount: Money, issued: CivilDate, due: CivilDate) {
        self.number = number
        self.amount = amount
        self.issued = issued
        self.due = due
    }
}

/// A payment received from the customer, applied to one invoice or not (yet) applied.
public struct Payment: Sendable, Codable, Equatable {
    public var amount: Money
    public var date: CivilDate
    /// The invoice number the payment is for, when the customer or finance said so.
    public var appliedTo: String?

    public init(amount: Money, date: CivilDate, appliedTo: String? = nil) {
        self.amount = amount
        self.date = date
        self.appliedTo = appliedTo
    }
}

/// How long an unpaid amount is past its due date (RSK-S2). Days past due = as-of date − due date:
/// current is not yet due (negative), 0–30 includes the due date itself (0), then 31–60, 61–90,
/// and over 90 from day 91.
public enum AgeingBucket: String, Sendable, Codable, CaseIterable {
    case current
    case days0to30
    case days31to60
    case days61to90
    case over90

    /// The bucket for a number of days past due.
    public static func forDaysPastDue(_ days: Int) -> AgeingBucket {
        switch days {
        case ..<0: .current
        case 0...30: .days0to30
        case 31...60: .days31to60
        case 61...90: .days61to90
        default: .over90
        }
    }
}

/// One invoice on an as-of date: what has been paid against it and what is still owed.
public struct InvoiceBalance: Sendable, Equatable {
    public var invoice: Invoice
    public var paid: Money
    public var outstanding: Money
    /// As-of date − due date; negative while the invoice is not yet due.
    public var daysPastDue: Int
    public var bucket: AgeingBucket
}

/// Where one invoice stands on a day (RSK-S2): owed and not yet past due (due today counts as
/// not yet late, as in the overdue amount the credit rules read), owed past its due date, or paid.
public enum InvoiceStatus: String, CaseIterable, Sendable, Codable {
    case open, overdue, paid
}

extension InvoiceBalance {
    public var status: InvoiceStatus {
        outstanding.fen <= 0 ? .paid : daysPastDue > 0 ? .overdue : .open
    }
}

/// A customer's receivables on an as-of date (RSK-S2): the balance of each invoice, the sums per
/// ageing bucket, and how old the oldest overdue debt is.
public struct ReceivablesAgeing: Sendable, Equatable {
    public var asOf: CivilDate
    /// Invoices issued by the as-of date, oldest due first.
    public var invoices: [InvoiceBalance]
    /// Payments received beyond everything invoiced: the customer's credit.
    public var unappliedCredit: Money
    public var totalOutstanding: Money
    /// Outstanding amounts per bucket; every bucket is present, zero when empty.
    public var byBucket: [AgeingBucket: Money]
    /// The most days any unpaid invoice is past due (1 or more), or 0 when nothing is overdue.
    public var oldestOverdueDays: Int
}

/// The receivables rules (RSK-S2): balances by invoice and ageing on an as-of date.
public enum Receivables {
    /// Every problem with invoices and payments at once: amounts must be positive, a due date
    /// cannot precede the issue date, invoice numbers are unique.
    public static func validate(invoices: [Invoice], payments: [Payment]) -> FieldErrors {
        var errors = FieldErrors()
        var numbers = Set<String>()
        for (i, invoice) in invoices.enumerated() {
            if invoice.amount.fen <= 0 { errors.add("invoices[\(i)].amount", "notPositive", "An invoice amount must be more than zero (got \(invoice.amount)).") }
            if invoice.due < invoice.issued { errors.add("invoices[\(i)].due", "beforeIssued", "The due date \(invoice.due) is before the issue date \(invoice.issued).") }
            if !numbers.insert(invoice.number).inserted { errors.add("invoices[\(i)].number", "duplicate", "Invoice \(invoice.number) appears twice.") }
        }
        for (i, payment) in payments.enumerated() where payment.amount.fen <= 0 {
            errors.add("payments[\(i)].amount", "notPositive", "A payment amount must be more than zero (got \(payment.amount)).")
        }
        return errors
    }

    /// The receivables as they stood on `asOf`: only invoices issued and payments received by that
    /// day count. A payment applied to an invoice pays it first; whatever it does not need, and
    /// every unapplied payment, pays the other invoices oldest first (FIFO by due date, then issue
    /// date, then number). Throws `MoneyOverflow` for figures too large to be real.
    public static func ageing(invoices: [Invoice], payments: [Payment], asOf: CivilDate) throws -> ReceivablesAgeing {
        let open = invoices.filter { $0.issued <= asOf }
            .sorted { ($0.due, $0.issued, $0.number) < ($1.due, $1.issued, $1.number) }
        var remaining = open.map(\.amount)
        var pool = Money.zero
        for payment in payments.sorted(by: { $0.date < $1.date }) where payment.date <= asOf {
            var left = payment.amount
            if let number = payment.appliedTo, let i = open.firstIndex(where: { $0.number == number }) {
                let take = min(left, max(remaining[i], .zero))
                remaining[i] = try remaining[i] - take
                left = try left - take
            }
            pool = try pool + left
        }
        for i in remaining.indices where pool.fen > 0 {
            let take = min(pool, max(remaining[i], .zero))
            remaining[i] = try remaining[i] - take
            pool = try pool - take
        }
        var balances: [InvoiceBalance] = []
        var byBucket = Dictionary(uniqueKeysWithValues: AgeingBucket.allCases.map { ($0, Money.zero) })
        var oldest = 0
        for (invoice, owed) in zip(open, remaining) {
            let days = SalesCalendar.days(from: invoice.due, to: asOf)
            let bucket = AgeingBucket.forDaysPastDue(days)
            balances.append(InvoiceBalance(invoice: invoice, paid: try invoice.amount - owed, outstanding: owed, daysPastDue: days, bucket: bucket))
            guard owed.fen > 0 else { continue }
            byBucket[bucket] = try byBucket[bucket, default: .zero] + owed
            oldest = max(oldest, days)
        }
        return ReceivablesAgeing(asOf: asOf, invoices: balances, unappliedCredit: pool,
                                 totalOutstanding: try Money.sum(remaining), byBucket: byBucket, oldestOverdueDays: oldest)
    }

    /// Every invoice's balance on `asOf`, for a list of invoices: as `ageing` gives them, and an
    /// invoice issued after that day owed in full (the ageing leaves it out; payments go first to
    /// the debts that exist).
    public static func balances(invoices: [Invoice], payments: [Payment], asOf: CivilDate) throws -> [String: InvoiceBalance] {
        var byNumber = Dictionary(try ageing(invoices: invoices, payments: payments, asOf: asOf).invoices.map { ($0.invoice.number, $0) }, uniquingKeysWith: { a, _ in a })
        for invoice in invoices where byNumber[invoice.number] == nil {
            let days = SalesCalendar.days(from: invoice.due, to: asOf)
            byNumber[invoice.number] = InvoiceBalance(invoice: invoice, paid: .zero, outstanding: invoice.amount, daysPastDue: days,
                                                      bucket: AgeingBucket.forDaysPastDue(days))
        }
        return byNumber
    }
}
