import ChorusGraph
import ChorusSupport
import Testing

/// Node caching (`CachePolicy` + `NodeCache`): hits skip the node, keys
/// follow the input, entries expire, failures are not cached.
@Suite struct CachePolicyTests {
    /// `START → work → END`; `work` counts its runs and logs its input `x`.
    static func graph(cache: any NodeCache, policy: CachePolicy = CachePolicy(), runs: Locked<Int>) throws -> CompiledGraph {
        var g = StateGraph(StateSchema([("x", .lastValue), ("log", .reducer(.append))]))
        g.addNode("work", policy: NodePolicy(cache: policy)) { input, _ in
            runs.withLock { $0 += 1 }
            if input["x"] == "fail" { throw GraphError(.valueError, "no") }
            return .update(["log": [.string("work \(PythonText.str(input["x"] ?? .null))")]])
        }
        g.addEdge(START, "work")
        return try g.compile(cache: cache)
    }

    @Test func aSecondRunWithTheSameInputTakesTheCachedWrites() async throws {
        let runs = Locked(0)
        let graph = try Self.graph(cache: InMemoryNodeCache(), runs: runs)
        #expect(try await graph.invoke(["x": 1]).values["log"] == ["work 1"])
        var updates: [Value] = []
        for try await part in graph.stream(.state(["x": 1]), modes: [.updates]) {
            if case .updates(let update) = part.payload { updates.append(update) }
        }
        #expect(runs.withLock { $0 } == 1)
        #expect(updates == [["work": ["log": ["work 1"]], "__metadata__": ["cached": true]]])
        _ = try await graph.invoke(["x": 2])
        #expect(runs.withLock { $0 } == 2)
    }

    @Test func entriesExpireAfterTheirTTLAndClearDropsThem() async throws {
        let clock = Locked(1000.0)
        let cache = InMemoryNodeCache(now: { clock.withLock { $0 } })
        let runs = Locked(0)
        let graph = try Self.graph(cache: cache, policy: CachePolicy(ttl: 60), runs: runs)
        _ = try await graph.invoke(["x": 1])
        clock.withLock { $0 += 59 }
        _ = try await graph.invoke(["x": 1])
        #expect(runs.withLock { $0 } == 1)
        clock.withLock { $0 += 1 }
        _ = try await graph.invoke(["x": 1])
        #expect(runs.withLock { $0 } == 2)
        try await cache.clear(nodes: ["work"])
        _ = try await graph.invoke(["x": 1])
        #expect(runs.withLock { $0 } == 3)
    }

    @Test func aCustomKeyDecidesWhichInputsShareAnEntry() async throws {
        let runs = Locked(0)
        let byParity = CachePolicy { input in String((input["x"]?.intValue ?? 0) % 2) }
        let graph = try Self.graph(cache: InMemoryNodeCache(), policy: byParity, runs: runs)
        _ = try await graph.invoke(["x": 1])
        #expect(try await graph.invoke(["x": 3]).values["log"] == ["work 1"])
        _ = try await graph.invoke(["x": 2])
        #expect(runs.withLock { $0 } == 2)
    }

    @Test func failedTasksAreNotCached() async throws {
        let runs = Locked(0)
        let graph = try Self.graph(cache: InMemoryNodeCache(), runs: runs)
        for _ in 0..<2 {
            await #expect(throws: GraphError.self) { try await graph.invoke(["x": "fail"]) }
        }
        #expect(runs.withLock { $0 } == 2)
    }

    @Test func theDefaultKeyIgnoresKeyOrderAndSeesEveryValue() {
        let a: Value = ["x": 1, "y": ["z": "w", "v": [1, 2]]]
        let b: Value = ["y": ["v": [1, 2], "z": "w"], "x": 1]
        #expect(CachePolicy.inputKey(a) == CachePolicy.inputKey(b))
        #expect(CachePolicy.inputKey(a) != CachePolicy.inputKey(["x": 1, "y": ["z": "w", "v": [2, 1]]]))
        #expect(CachePolicy.inputKey(a).count == 32)
    }
}
