import ChorusSupport
import Foundation

/// A `NodeCache` in memory, for one process (LangGraph's `InMemoryCache`).
public final class InMemoryNodeCache: ImmediateNodeCache {
    private struct Entry: Sendable {
        let writes: [CachedWrite]
        let expiresAt: Double?
    }

    private let entries = Locked<[NodeCacheKey: Entry]>([:])
    private let now: @Sendable () -> Double

    /// `now` gives seconds on any fixed scale; tests pass a manual clock.
    public init(now: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }) {
        self.now = now
    }

    public func get(_ keys: [NodeCacheKey]) async throws -> [NodeCacheKey: [CachedWrite]] {
        var found: [NodeCacheKey: [CachedWrite]] = [:]
        for key in keys { found[key] = entry(key) }
        return found
    }

    public func set(_ key: NodeCacheKey, writes: [CachedWrite], ttl: Double?) async throws {
        store(key, writes: writes, ttl: ttl)
    }

    public func entry(_ key: NodeCacheKey) -> [CachedWrite]? {
        entries.withLock { entries in
            guard let entry = entries[key] else { return nil }
            // The clock is read only for entries that can expire.
            if let expiry = entry.expiresAt, expiry <= now() {
                entries[key] = nil
                return nil
            }
            return entry.writes
        }
    }

    public func store(_ key: NodeCacheKey, writes: [CachedWrite], ttl: Double?) {
        let entry = Entry(writes: writes, expiresAt: ttl.map { now() + $0 })
        entries.withLock { $0[key] = entry }
    }

    public func clear(nodes: [String]?) async throws {
        entries.withLock { entries in
            guard let nodes else { return entries.removeAll(keepingCapacity: true) }
            let names = Set(nodes)
            entries = entries.filter { !names.contains($0.key.node) }
        }
    }
}
