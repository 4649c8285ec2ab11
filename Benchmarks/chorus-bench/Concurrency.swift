import ChorusGraph
import ChorusSupport

/// `concurrency`: 200 Send tasks sleeping 50 ms under `maxConcurrency` k.
enum Concurrency {
    static let inFlight = Locked<(now: Int, peak: Int)>((0, 0))

    static func build(tasks: Int, sleep: Duration) throws -> CompiledGraph {
        var g = StateGraph(StateSchema([("out", .reducer(.append))]))
        g.addNode("start") { _, _ in .update([:]) }
        g.addNode("sleeper") { input, _ in
            inFlight.withLock { s in
                s.now += 1
                s.peak = max(s.peak, s.now)
            }
            defer { inFlight.withLock { $0.now -= 1 } }
            try await Task.sleep(for: sleep)
            return .update(["out": [input["i"]!]])
        }
        g.addEdge(START, "start")
        g.addConditionalEdges("start") { _ in (0..<tasks).map { .send(Send("sleeper", ["i": .int($0)])) } }
        g.addEdge("sleeper", END)
        return try g.compile()
    }

    static func run() async throws -> Value {
        let n = 200
        let (warmup, reps) = Bench.plan(1, 3, quick: (0, 1))
        let graph = try build(tasks: n, sleep: .milliseconds(50))
        for _ in 0..<warmup { _ = try await graph.invoke(["out": []], config: RunConfig(maxConcurrency: n)) }
        var result: [String: Value] = [:]
        for k in [8, 32, 200] {
            var walls: [Double] = []
            var peak = 0
            for _ in 0..<reps {
                inFlight.withLock { $0 = (0, 0) }
                let t0 = Bench.now()
                let out = try await graph.invoke(["out": []], config: RunConfig(maxConcurrency: k))
                walls.append(Double(Bench.now() - t0) / 1e9)
                let sorted = (out.values["out"]?.arrayValue ?? []).compactMap(\.intValue).sorted()
                try Bench.check(sorted == Array(0..<n), "concurrency sorted(out) == 0..<200")
                peak = max(peak, inFlight.withLock { $0.peak })
            }
            let ideal = Double((n + k - 1) / k) * 0.05
            let wall = Bench.median(walls)
            result["k\(k)"] = ["wall_s": Bench.round(wall, 4), "ideal_s": Bench.round(ideal, 4),
                               "overhead_ms": Bench.round((wall - ideal) * 1e3), "peak_inflight": .int(peak)]
            Bench.log("  concurrency k=\(k): \(result["k\(k)"]!)")
        }
        result["reps"] = .int(reps)
        return .object(result)
    }
}
