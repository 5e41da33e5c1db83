import Foundation
import Vapor

/// The throwaway SQLite database of a test (`Settings.DatabaseTarget.sqliteMemory`).
///
/// SQLiteKit's "in-memory" storage is a temporary file, because SQLite is built without the
/// shared cache that several connections to one memory database need, and it never deletes that
/// file: a full test run left 840 files (1.2 MB each) in the temporary directory. So the app opens
/// a file of its own there and removes it, with its journals, when it shuts down.
struct ScratchSQLite: LifecycleHandler {
    let path: String

    static func make() -> ScratchSQLite {
        let name = "vanguard-scratch-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString).sqlite"
        return ScratchSQLite(path: FileManager.default.temporaryDirectory.appendingPathComponent(name).path)
    }

    /// Every file SQLite may have made for this database.
    var files: [String] { [path, path + "-journal", path + "-wal", path + "-shm"] }

    // Removing a file that connections still hold open is safe on POSIX: its space is freed when
    // the last one closes, which the databases' own shutdown does right after the handlers'.
    func shutdownAsync(_ app: Application) async {
        for file in files { try? FileManager.default.removeItem(atPath: file) }
    }
}

extension Application {
    private struct ScratchSQLiteKey: StorageKey { typealias Value = ScratchSQLite }

    /// This app's throwaway SQLite database, if it has one.
    var scratchSQLite: ScratchSQLite? {
        get { storage[ScratchSQLiteKey.self] }
        set { storage[ScratchSQLiteKey.self] = newValue }
    }
}
