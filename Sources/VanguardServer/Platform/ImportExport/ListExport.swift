import Fluent
import NIOConcurrencyHelpers
import FluentPostgresDriver
import FluentSQLiteDriver
import SQLKit
import Vapor
import VanguardCore

/// A list exported whole, however long, as CSV or XLSX, from one snapshot of the database
/// (`ExportSnapshot`): the list's ids in its order first (16 bytes a row), then its rows a chunk
/// at a time (`ModelRows`), each chunk turned into cells and written out while the next is read.
/// A CSV streams to the reader as it is read; an XLSX sheet is written to a temporary file and
/// zipped there, then sent. Memory stays the same for ten rows or a million.
struct ListExport<M: Model>: Sendable where M.IDValue == UUID {
    /// The file's name without its extension, and the sheet's name.
    var name: String
    var sheet: String
    var header: [String]
    /// The list's query on a database (scope, filters and order), built once on the request's
    /// database first, so a bad filter is refused before anything is sent: Fluent's for most
    /// lists, SQLKit's (selecting `id`) for one read that way (`MemberDirectory`).
    enum Order: Sendable {
        case query(@Sendable (any Database) throws -> QueryBuilder<M>)
        case sql(@Sendable (any SQLDatabase) throws -> SQLSelectBuilder)
    }
    var order: Order
    /// One chunk's cells, a line per row in the chunk's order; looks what it needs up on the same database.
    var cells: @Sendable ([M], any Database) async throws -> [[String]]

    init(name: String, sheet: String, header: [String], rows: @escaping @Sendable (any Database) throws -> QueryBuilder<M>,
         cells: @escaping @Sendable ([M], any Database) async throws -> [[String]]) {
        self.init(name: name, sheet: sheet, header: header, order: .query(rows), cells: cells)
    }

    init(name: String, sheet: String, header: [String], order: Order, cells: @escaping @Sendable ([M], any Database) async throws -> [[String]]) {
        (self.name, self.sheet, self.header, self.order, self.cells) = (name, sheet, header, order, cells)
    }

    func response(_ req: Request, format: String) async throws -> Response {
        switch order {
        case .query(let rows): _ = try rows(req.db)
        case .sql(let rows): _ = try rows(req.db as! any SQLDatabase)
        }
        return format == "xlsx" ? try await workbook(req) : csv(req)
    }

    /// Reads the list in the snapshot: `count` once with the number of rows, then `each` with every chunk's cells.
    private func read(_ app: Application, count: @escaping @Sendable (Int) throws -> Void,
                      each: @escaping @Sendable ([[String]]) async throws -> Void) async throws {
        let chunkSize = app.exportChunkSize
        let order = self.order, cells = self.cells
        try await ExportSnapshot.read(app) { db in
            let ids = try await Self.ids(of: order, on: db)
            try count(ids.count)
            // The next chunk is read while this one becomes cells and is written: the two use both cores.
            let chunks = ids.chunked(chunkSize)
            @Sendable func read(_ i: Int) -> Task<[M], any Error>? {
                guard chunks.indices.contains(i) else { return nil }
                return Task { try await ModelRows.withIDs(chunks[i], on: db) }
            }
            var next = read(0)
            do {
                for i in chunks.indices {
                    let rows = try await next!.value
                    next = read(i + 1)
                    try await each(try await cells(rows, db))
                    try await app.afterExportChunk?()
                }
            } catch {
                // Nothing may read the snapshot once it has ended.
                next?.cancel()
                _ = try? await next?.value
                throw error
            }
        }
    }

    /// The list's ids in its order, each row let go as soon as its id is read: Fluent's
    /// `all(\.$id)` builds every row's model first, a gigabyte for a million customers, and its
    /// `all` with a callback keeps them all too. On SQLite the ids are read on the database
    /// thread: its driver's own read hands each row to the event loop as a task of its own, and a
    /// million of them queued up (4.7 GB kept after a customers export, docs/benchmarks.md).
    /// On PostgreSQL through its row sequence (`ListRow.uuids`).
    private static func ids(of order: Order, on db: any Database) async throws -> [UUID] {
        let found = NIOLockedValueBox((ids: [UUID](), error: (any Error)?.none))
        @Sendable func take(_ id: () throws -> UUID?) {
            found.withLockedValue { found in
                do { if let id = try id() { found.ids.append(id) } } catch { found.error = found.error ?? error }
            }
        }
        /// The query's ids straight from the driver, or nil to take the generic path.
        func direct(_ text: String, _ binds: [any Encodable & Sendable], column: String) async throws -> [UUID]? {
            if let sqlite = db as? any SQLiteDatabase { return try await ListRow.uuids(sqlite, sql: text, binds: binds, column: column) }
            if let postgres = db as? any PostgresDatabase { return try await ListRow.uuids(postgres, sql: text, binds: binds, column: column) }
            return nil
        }
        switch order {
        case .query(let rows):
            if let sql = db as? any SQLDatabase & Database {
                let (text, binds) = try await QuerySQL.of({ try rows($0).field(\._$id) }, on: sql)
                if let ids = try await direct(text, binds, column: M.schemaOrAlias + "_id") { return ids }
            }
            try await rows(db).field(\._$id).all { row in take { try row.get().id } }.get()
        case .sql(let rows):
            let query = try rows(db as! any SQLDatabase)
            let (text, binds) = query.database.serialize(query.select)
            if let ids = try await direct(text, binds, column: "id") { return ids }
            try await query.run { row in take { try row.decode(column: "id", as: UUID.self) } }
        }
        let (ids, error) = found.withLockedValue { ($0.ids, $0.error) }
        if let error { throw error }
        return ids
    }

    /// The CSV, sent as it is read. A failure halfway ends the download unfinished (the reader's
    /// browser says it failed) rather than sending a file that looks whole.
    private func csv(_ req: Request) -> Response {
        let app = req.application, header = self.header
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(name).csv\"")
        headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return Response(status: .ok, headers: headers, body: .init(asyncStream: { writer in
            do {
                try await writer.write(.buffer(ByteBuffer(string: CSVWriter.byteOrderMark + CSVWriter.line(header))))
                try await read(app, count: { _ in }) { cells in
                    var text = ""
                    for row in cells { text += CSVWriter.line(row) }
                    try await writer.write(.buffer(ByteBuffer(string: text)))
                }
                try await writer.write(.end)
            } catch {
                req.logger.report(error: error)
                try? await writer.write(.error(error))
            }
        }))
    }

    /// The XLSX, refused before any work if the list holds more rows than a sheet can
    /// (`Application.xlsxRowLimit`): the CSV has no such limit.
    private func workbook(_ req: Request) async throws -> Response {
        let app = req.application, limit = app.xlsxRowLimit, header = self.header
        let file = try XLSXSheetFile(threadPool: app.threadPool)
        do {
            let next = RowNumber()
            try await file.append(XLSXWriter.sheetHead(header: header))
            try await read(app, count: { rows in
                guard rows <= limit else {
                    throw Problem(.unprocessableEntity, code: "export-too-large", title: "Too many rows for one sheet.",
                                  detail: "This list holds \(rows) rows; a spreadsheet sheet holds at most \(limit). Export it as CSV, or narrow it with the filters.")
                }
            }) { cells in
                var xml = ""
                for row in cells { xml += XLSXWriter.rowXML(row, number: next.take(), figures: []) }
                try await file.append(xml)
            }
            try await file.append(XLSXWriter.sheetTail)
            let workbook = try await file.workbook(sheet: sheet)
            let response = try await req.fileio.asyncStreamFile(at: workbook.path, mediaType: Response.xlsxType) { _ in file.remove() }
            response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(name).xlsx\"")
            response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
            return response
        } catch {
            file.remove()
            throw error
        }
    }

    /// The next sheet row's number (the header is row 1).
    private final class RowNumber: @unchecked Sendable {
        private var next = 2
        func take() -> Int { defer { next += 1 }; return next }
    }
}

extension Application {
    private struct ExportChunkSizeKey: StorageKey { typealias Value = Int }
    private struct XLSXRowLimitKey: StorageKey { typealias Value = Int }
    private struct AfterExportChunkKey: StorageKey { typealias Value = @Sendable () async throws -> Void }

    /// Rows read, turned into cells and written at a time (`ListExport`); tests make it small.
    var exportChunkSize: Int {
        get { storage[ExportChunkSizeKey.self] ?? 1_000 }
        set { storage[ExportChunkSizeKey.self] = newValue }
    }

    /// The most rows below the header an XLSX sheet holds: Excel's 1,048,576 rows, one of them the header.
    var xlsxRowLimit: Int {
        get { storage[XLSXRowLimitKey.self] ?? 1_048_575 }
        set { storage[XLSXRowLimitKey.self] = newValue }
    }

    /// Run after each chunk an export wrote: lets a test change the list while an export reads it.
    var afterExportChunk: (@Sendable () async throws -> Void)? {
        get { storage[AfterExportChunkKey.self] }
        set { storage[AfterExportChunkKey.self] = newValue }
    }
}
