import ChorusGraph
import Foundation
import GRDB

/// A `NodeCache` in the Chorus database file: cached node results survive
/// restarts and are shared by every process using the file. Entries of
/// different graphs are kept apart by `graph`.
public final class SQLiteNodeCache: NodeCache {
    private let database: ChorusDatabase
    private let graph: String
    private let now: @Sendable () -> Double

    /// `graph` names the graph whose nodes this cache serves; `now` gives
    /// seconds since 1970 (tests pass a manual clock).
    public init(database: ChorusDatabase, graph: String, now: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }) {
        self.database = database
        self.graph = graph
        self.now = now
    }

    public func get(_ keys: [NodeCacheKey]) async throws -> [NodeCacheKey: [CachedWrite]] {
        let time = now()
        let graph = self.graph
        let rows = try await database.pool.read { db in
            var found: [(NodeCacheKey, String)] = []
            let statement = try db.cachedStatement(sql: """
                SELECT writes_json FROM node_cache
                WHERE graph = ? AND node = ? AND key = ? AND (expires_at IS NULL OR expires_at > ?)
                """)
            for key in keys {
                if let json = try String.fetchOne(statement, arguments: [graph, key.node, key.key, time]) { found.append((key, json)) }
            }
            return found
        }
        var entries: [NodeCacheKey: [CachedWrite]] = [:]
        for (key, json) in rows {
            // An entry that does not decode is a miss: the node runs and its result replaces it.
            entries[key] = Self.decode(json)
        }
        return entries
    }

    public func set(_ key: NodeCacheKey, writes: [CachedWrite], ttl: Double?) async throws {
        let json = JSON.serialize(.array(writes.map { .array([.string($0.channel), $0.value]) }))
        let expiresAt = ttl.map { now() + $0 }
        let graph = self.graph
        try await database.pool.write { db in
            try db.execute(sql: """
                INSERT INTO node_cache (graph, node, key, writes_json, expires_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (graph, node, key) DO UPDATE SET writes_json = excluded.writes_json, expires_at = excluded.expires_at
                """, arguments: [graph, key.node, key.key, json, expiresAt])
        }
    }

    public func clear(nodes: [String]?) async throws {
        let graph = self.graph
        try await database.pool.write { db in
            if let nodes {
                for node in nodes { try db.execute(sql: "DELETE FROM node_cache WHERE graph = ? AND node = ?", arguments: [graph, node]) }
            } else {
                try db.execute(sql: "DELETE FROM node_cache WHERE graph = ?", arguments: [graph])
            }
        }
    }

    /// Drops expired entries of every graph; returns how many.
    @discardableResult
    public func purgeExpired() async throws -> Int {
        let time = now()
        return try await database.pool.write { db in
            try db.execute(sql: "DELETE FROM node_cache WHERE expires_at IS NOT NULL AND expires_at <= ?", arguments: [time])
            return db.changesCount
        }
    }

    private static func decode(_ json: String) -> [CachedWrite]? {
        guard let pairs = (try? JSON.parse(json))?.arrayValue else { return nil }
        var writes: [CachedWrite] = []
        for pair in pairs {
            guard let items = pair.arrayValue, items.count == 2, let channel = items[0].stringValue else { return nil }
            writes.append(CachedWrite(channel: channel, value: items[1]))
        }
        return writes
    }
}
