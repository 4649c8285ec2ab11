import ChorusGraph
import ChorusStore
import ChorusSupport
import Foundation
import GRDB
import Testing

/// `SQLiteNodeCache`: the node cache in the database file, checked on a real
/// file through a graph run, across reopening, expiry and graphs sharing it.
@Suite struct NodeCacheTests {
    static func graph(cache: any NodeCache, ttl: Double? = nil, runs: Locked<Int>) throws -> CompiledGraph {
        var g = StateGraph(StateSchema([("x", .lastValue), ("log", .reducer(.append))]))
        g.addNode("work", policy: NodePolicy(cache: CachePolicy(ttl: ttl))) { input, _ in
            runs.withLock { $0 += 1 }
            return .update(["log": [.string("work \(PythonText.str(input["x"] ?? .null))")], "x": ["nested": [1, "two"]]])
        }
        g.addEdge(START, "work")
        return try g.compile(cache: cache)
    }

    @Test func entriesSurviveReopeningTheFileAndKeepTheirValues() async throws {
        let directory = TemporaryDirectory()
        let runs = Locked(0)
        let first = try Self.graph(cache: SQLiteNodeCache(database: try ChorusDatabase(path: directory.file("c.sqlite")), graph: "g"), runs: runs)
        let ran = try await first.invoke(["x": 1])
        let reopened = try Self.graph(cache: SQLiteNodeCache(database: try ChorusDatabase(path: directory.file("c.sqlite")), graph: "g"), runs: runs)
        let cached = try await reopened.invoke(["x": 1])
        #expect(runs.withLock { $0 } == 1)
        #expect(cached.values == ran.values)
        #expect(cached.values["x"] == ["nested": [1, "two"]])
    }

    @Test func expiredEntriesAreMissesAndPurged() async throws {
        let directory = TemporaryDirectory()
        let clock = Locked(5000.0)
        let database = try ChorusDatabase(path: directory.file("c.sqlite"))
        let cache = SQLiteNodeCache(database: database, graph: "g", now: { clock.withLock { $0 } })
        let runs = Locked(0)
        let graph = try Self.graph(cache: cache, ttl: 10, runs: runs)
        _ = try await graph.invoke(["x": 1])
        clock.withLock { $0 += 9.5 }
        _ = try await graph.invoke(["x": 1])
        #expect(runs.withLock { $0 } == 1)
        clock.withLock { $0 += 1 }
        #expect(try await cache.purgeExpired() == 1)
        _ = try await graph.invoke(["x": 1])
        #expect(runs.withLock { $0 } == 2)
    }

    @Test func graphsSharingAFileDoNotSeeEachOthersEntries() async throws {
        let directory = TemporaryDirectory()
        let database = try ChorusDatabase(path: directory.file("c.sqlite"))
        let runs = Locked(0)
        let a = try Self.graph(cache: SQLiteNodeCache(database: database, graph: "a"), runs: runs)
        let b = try Self.graph(cache: SQLiteNodeCache(database: database, graph: "b"), runs: runs)
        _ = try await a.invoke(["x": 1])
        _ = try await b.invoke(["x": 1])
        #expect(runs.withLock { $0 } == 2)
        try await SQLiteNodeCache(database: database, graph: "a").clear(nodes: nil)
        _ = try await a.invoke(["x": 1])
        _ = try await b.invoke(["x": 1])
        #expect(runs.withLock { $0 } == 3)
    }

    @Test func aDamagedEntryIsAMissAndIsReplaced() async throws {
        let directory = TemporaryDirectory()
        let path = directory.file("c.sqlite")
        let cache = SQLiteNodeCache(database: try ChorusDatabase(path: path), graph: "g")
        let runs = Locked(0)
        let graph = try Self.graph(cache: cache, runs: runs)
        _ = try await graph.invoke(["x": 1])
        let raw = try DatabaseQueue(path: path)
        try await raw.write { db in try db.execute(sql: "UPDATE node_cache SET writes_json = '{not json'") }
        #expect(try await graph.invoke(["x": 1]).values["log"] == ["work 1"])
        _ = try await graph.invoke(["x": 1])
        #expect(runs.withLock { $0 } == 2)
    }
}
