import Foundation
import NIOConcurrencyHelpers
import NIOPosix
import Vapor

/// An XLSX sheet written to a temporary file piece by piece, then zipped into a workbook beside
/// it (`ListExport`). File work runs on the application's thread pool, never on an event loop
/// or the tasks' few threads. `remove()` deletes both files, once they are sent or the export failed.
final class XLSXSheetFile: @unchecked Sendable {
    private let directory: URL
    private let sheetURL: URL
    private let handle: FileHandle
    private let threadPool: NIOThreadPool
    private let closed = NIOLockedValueBox(false)

    init(threadPool: NIOThreadPool) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("vanguard-export-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: false)
        sheetURL = directory.appendingPathComponent("sheet.xml")
        guard FileManager.default.createFile(atPath: sheetURL.path, contents: nil) else {
            throw Problem(.internalServerError, code: "export-failed", title: "The workbook could not be written.")
        }
        handle = try FileHandle(forWritingTo: sheetURL)
        self.threadPool = threadPool
    }

    func append(_ xml: String) async throws {
        let data = Data(xml.utf8), handle = self.handle
        try await threadPool.runIfActive { try handle.write(contentsOf: data) }
    }

    /// Closes the sheet and zips the workbook; its file.
    func workbook(sheet: String) async throws -> URL {
        let handle = self.handle, sheetURL = self.sheetURL, url = directory.appendingPathComponent("workbook.xlsx")
        closed.withLockedValue { $0 = true }
        try await threadPool.runIfActive {
            try handle.close()
            try XLSXWriter.workbook(at: url, sheet: sheet, sheetFile: sheetURL)
        }
        return url
    }

    func remove() {
        if !closed.withLockedValue({ was in defer { was = true }; return was }) { try? handle.close() }
        try? FileManager.default.removeItem(at: directory)
    }
}
