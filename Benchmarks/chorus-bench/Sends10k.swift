import ChorusGraph

/// `sends10k` and `sends10k-sleep` (Benchmarks/langgraph/README.md): 10,000
/// `Send` tasks under `maxConcurrency` 1,000, doing nothing or sleeping
/// 10 ms; wall time and the process's peak RSS. Run each in its own process
/// so the peak is the workload's own.
enum Sends10k {
    static let tasks = 10_000
    static let limit = 1_000

    static func build(sleep: Duration?) throws -> CompiledGraph {
        var g = StateGraph(StateSchema([("out", .reducer(.append))]))
        g.addNode("plan") { _, _ in .update([:]) }
        g.addNode("work") { input, _ in
            if let sleep { try await Task.sleep(for: sleep) }
            return .update(["out": [input["i"]!]])
        }
        g.addEdge(START, "plan")
        g.addConditionalEdges("plan") { _ in (0..<tasks).map { .send(Send("work", ["i": .int($0)])) } }
        g.addEdge("work", END)
        return try g.compile()
    }

    static func noop() async throws -> Value { try await measure(sleep: nil) }
    static func sleeping() async throws -> Value { try await measure(sleep: .milliseconds(10)) }

    private static func measure(sleep: Duration?) async throws -> Value {
        let (warmup, reps) = Bench.plan(1, 5, quick: (0, 1))
        let graph = try build(sleep: sleep)
        let config = RunConfig(maxConcurrency: limit)
        let samples = try await Bench.time(warmup: warmup, reps: reps) {
            let out = try await graph.invoke(["out": []], config: config)
            let values = out.values["out"]?.arrayValue ?? []
            try Bench.check(values.count == tasks && values.compactMap(\.intValue).reduce(0, +) == tasks * (tasks - 1) / 2, "sends10k out")
        }
        var result: [String: Value] = ["wall_ms": Bench.round(Bench.median(samples) * 1e3), "peak_rss_mib": Bench.round(Double(Bench.peakRSSKiB()) / 1024, 1),
                                       "reps": .int(reps)]
        if sleep != nil { result["ideal_ms"] = .double(Double(tasks / limit) * 10) }
        return .object(result)
    }
}
