import Fluent
import Foundation
import Vapor
import VanguardCore
import Yams

/// Reads the policy pack in force. Cached per process and re-checked every few seconds, so an
/// admin's edit on one instance reaches the others without a restart.
final class PolicyStore: @unchecked Sendable {
    private let lock = NSLock()
    private var cached: (number: Int, pack: PolicyPack, checkedAt: Date)?
    private let recheckSeconds: TimeInterval
    private let clock: any AppClock

    init(clock: any AppClock, recheckSeconds: TimeInterval = 5) {
        self.clock = clock
        self.recheckSeconds = recheckSeconds
    }

    static func parse(_ yaml: String) throws -> PolicyPack {
        do {
            return try YAMLDecoder().decode(PolicyPack.self, from: yaml)
        } catch let error as DecodingError {
            throw Problem.invalid("yaml", "invalidPolicy", describe(error))
        } catch {
            throw Problem.invalid("yaml", "invalidYAML", "The YAML could not be read: \(error)")
        }
    }

    func current(on db: any Database) async throws -> PolicyPack {
        let now = clock.now()
        if let c = lock.withLock({ cached }), now.timeIntervalSince(c.checkedAt) < recheckSeconds {
            return c.pack
        }
        guard let latest = try await PolicyVersion.query(on: db).sort(\.$number, .descending).first() else {
            throw Problem(.serviceUnavailable, code: "no-policy", title: "The policy pack has not been loaded.")
        }
        if let c = lock.withLock({ cached }), c.number == latest.number {
            lock.withLock { cached = (c.number, c.pack, now) }
            return c.pack
        }
        let pack = try Self.parse(latest.yaml)
        lock.withLock { cached = (latest.number, pack, now) }
        return pack
    }

    func forget() {
        lock.withLock { cached = nil }
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ c: DecodingError.Context) -> String { c.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".") }
        switch error {
        case .keyNotFound(let key, let c): return "Missing \(([path(c)] + [key.stringValue]).filter { !$0.isEmpty }.joined(separator: "."))."
        case .typeMismatch(_, let c), .valueNotFound(_, let c), .dataCorrupted(let c): return "Wrong value at \(path(c)): \(c.debugDescription)"
        @unknown default: return "\(error)"
        }
    }
}

extension Application {
    private struct PolicyStoreKey: StorageKey { typealias Value = PolicyStore }

    var policy: PolicyStore {
        get {
            if let s = storage[PolicyStoreKey.self] { return s }
            let s = PolicyStore(clock: clock)
            storage[PolicyStoreKey.self] = s
            return s
        }
        set { storage[PolicyStoreKey.self] = newValue }
    }
}
