import ChorusGraph

/// `policies`: what a retry policy that never fires and a cache miss cost per
/// step over a plain node, on a 100-node chain (target < 1 µs each).
enum PolicyOverhead {
    static func chain(_ policy: NodePolicy?, cache: (any NodeCache)? = nil) throws -> CompiledGraph {
        var g = StateGraph(StateSchema([("n", .lastValue), ("run", .lastValue)]))
        for i in 0..<100 {
            let action: NodeAction = { input, _ in .update(["n": .int(input["n"]!.intValue! + 1)]) }
            if let policy { g.addNode("n\(i)", policy: policy, action) } else { g.addNode("n\(i)", action) }
            g.addEdge(i == 0 ? START : "n\(i - 1)", "n\(i)")
        }
        g.addEdge("n99", END)
        return try g.compile(cache: cache)
    }

    static func run() async throws -> Value {
        let (warmup, reps) = Bench.plan(5, 40)
        let config = RunConfig(recursionLimit: 10_000)
        let missCache = InMemoryNodeCache()
        let variants: [(String, CompiledGraph)] = [
            ("plain", try chain(nil)),
            ("retry", try chain(NodePolicy(retry: [RetryPolicy()]))),
            // Each call's `run` differs, so every node's input key is new: all misses.
            ("cache_miss", try chain(NodePolicy(cache: CachePolicy()), cache: missCache)),
        ]
        var medians: [String: Double] = [:]
        // Alternate the variants round by round so drift hits them alike.
        var samples: [String: [Double]] = [:]
        var call = 0
        for round in 0..<(warmup + reps) {
            for (name, graph) in variants {
                call += 1
                let t0 = Bench.now()
                let out = try await graph.invoke(["n": 0, "run": .int(call)], config: config)
                let seconds = Double(Bench.now() - t0) / 1e9
                try Bench.check(out.values["n"] == 100, "policies n == 100")
                if round >= warmup { samples[name, default: []].append(seconds) }
                if name == "cache_miss" { try await missCache.clear(nodes: nil) }
            }
        }
        for (name, xs) in samples { medians[name] = Bench.median(xs) * 1e6 }
        let plain = medians["plain"]!
        return [
            "plain_astep_us": Bench.round(plain / 100),
            "retry_astep_us": Bench.round(medians["retry"]! / 100),
            "cache_miss_astep_us": Bench.round(medians["cache_miss"]! / 100),
            "retry_overhead_us": Bench.round((medians["retry"]! - plain) / 100, 3),
            "cache_miss_overhead_us": Bench.round((medians["cache_miss"]! - plain) / 100, 3),
            "reps": .int(reps),
        ]
    }
}
