import Foundation
import NIOConcurrencyHelpers
import VanguardCore

extension CustomerImport {
    /// Names (as keys), credit codes and phone keys already taken: on file, or by an earlier row.
    struct Taken: Sendable {
        var keys: Set<String>
        var codes: Set<String>
        var phones: Set<String>
    }

    struct Outcome: Sendable {
        var created = 0
        var contacts = 0
    }

    /// Rows per block: checked on both cores at once, then in row order for duplicates.
    static let blockSize = 1_000

    /// Checks every row, a block at a time, and queues each good block's records on `queue` (the
    /// transaction's connection), so the database writes one block while the next is checked on
    /// both cores, instead of checking everything first. After the first bad row nothing more is
    /// queued, every row is still checked, and all problems are thrown: the caller's transaction
    /// then undoes what was written, so a file is still all or nothing. No queue: a dry run.
    /// `onFile`: the file's names, codes and phones already on file, asked for once.
    static func checkAndWrite(_ rows: [RowValues], nameKeys: [String], context: RowContext, onFile: @Sendable () async throws -> Taken,
                              queue: BulkWriteQueue?, progress: Progress?) async throws -> Outcome {
        var taken: Taken?, errors = FieldErrors(), outcome = Outcome()
        let total = rows.count
        // Write progress is reported once the check is done, so the bar never goes back.
        let state = NIOLockedValueBox((checked: false, written: 0))
        for start in stride(from: 0, to: total, by: blockSize) {
            progress?("check", start, total)
            let block = Array(rows[start..<min(start + blockSize, total)])
            let build = queue != nil && errors.isEmpty
            // Every core while nothing is being written (a dry run, the first block), else `checkCores`.
            let cores = queue == nil || start == 0 ? ProcessInfo.processInfo.activeProcessorCount : context.checkCores
            let checked = await block.concurrentMap(minimumSlice: 250, cores: cores) { k, values in context.check(values, nameKey: nameKeys[start + k], building: build) }
            // The first block is queued before what is on file is known, when the file alone finds
            // nothing wrong in it: the database then writes while the look-ups run (on PostgreSQL
            // they were a tenth of an import, with its writer idle). Should a row be on file after
            // all, its problem is thrown below and the transaction undoes the block with the rest.
            var queuedEarly = false
            if taken == nil, let queue, errors.isEmpty {
                var inFile = Taken(keys: [], codes: [], phones: [])
                if checked.allSatisfy({ duplicates($0, &inFile).isEmpty && $0.written != nil }) {
                    write(checked.compactMap(\.written), to: queue, lexemes: context.lexemes)
                    queuedEarly = true
                }
            }
            if taken == nil { taken = try await onFile() }
            var good: [Written] = []
            for (k, row) in checked.enumerated() {
                let e = duplicates(row, &taken!)
                let fileRow = ImportTable.fileRow(start + k)
                for err in e.all { errors.add("rows[\(fileRow)].\(err.field)", err.code, "Row \(fileRow), \(err.field): \(err.message)") }
                if e.isEmpty, let w = row.written { good.append(w) }
            }
            outcome.created += good.count
            outcome.contacts += good.count { $0.contact != nil }
            guard let queue, errors.isEmpty else { continue }
            if !queuedEarly { write(good, to: queue, lexemes: context.lexemes) }
            let rowsWritten = good.count
            queue.whenWritten {
                state.withLockedValue { s in
                    s.written += rowsWritten
                    if s.checked { progress?("write", s.written, total) }
                }
            }
        }
        progress?("check", total, total)
        if let queue {
            if errors.isEmpty { state.withLockedValue { s in s.checked = true; progress?("write", s.written, total) } }
            try await queue.finish()
        }
        try errors.throwIfAny()
        return outcome
    }

    private static func write(_ good: [Written], to queue: BulkWriteQueue, lexemes: Bool) {
        queue.insert(into: Customer.schema, columns: NewCustomer.columns(lexemes: lexemes), rows: good.map(\.customer))
        queue.insert(into: Contact.schema, columns: NewContact.columns, rows: good.compactMap(\.contact))
        queue.insert(into: AuditEvent.schema, columns: Audit.columns, rows: good.map(\.history))
    }

    /// The row's own problems and those that need the rows before it: a name, credit code or
    /// phone already on file or on an earlier row (the first row with it keeps it).
    private static func duplicates(_ row: CheckedRow, _ taken: inout Taken) -> FieldErrors {
        var e = row.errors
        if !row.nameKey.isEmpty && !taken.keys.insert(row.nameKey).inserted { e.add("name", "duplicate", "\(row.name) is already on file (or on an earlier row).") }
        if let code = row.code, !taken.codes.insert(code.uppercased()).inserted { e.add("uscc", "duplicate", "Credit code \(code) is already on file (or on an earlier row).") }
        if let phone = row.phone, !taken.phones.insert(row.phoneKey).inserted {
            e.add("phone", "duplicate", "Phone \(phone) already belongs to a customer (or an earlier row).")
        }
        for err in row.contactErrors.all { e.add(err.field, err.code, err.message) }
        if e.isEmpty && !row.ownerAllowed { e.add("owner", "forbidden", "You may not add customers for this owner.") }
        return e
    }
}
