import ChorusGraph

/// `events`: the cost of a token event. One node reports 1,000,000 tokens of
/// a model call; the run is consumed through `events` (every token becomes a
/// `RunEvent`) and through `invoke` (no consumer: each report is a nil check).
enum EventStream {
    static func graph(_ n: Int) throws -> CompiledGraph {
        var g = StateGraph(StateSchema([("count", .lastValue)]))
        g.addNode("llm") { _, context in
            let call = context.modelCall(name: "bench", messageId: "m-1")
            for _ in 0..<n { call.token("tok ") }
            call.end(usage: RunEvent.Usage(inputTokens: 0, outputTokens: n))
            return .update(["count": .int(n)])
        }
        g.addEdge(START, "llm")
        return try g.compile()
    }

    static func run() async throws -> Value {
        let n = Bench.quick ? 100_000 : 1_000_000
        let (warmup, reps) = Bench.plan(1, 3, quick: (1, 1))
        let graph = try graph(n)
        var tokens = 0
        let consumed = try await Bench.time(warmup: warmup, reps: reps) {
            tokens = 0
            for try await event in graph.events(.state(["count": 0])) {
                if case .token = event.kind { tokens += 1 }
            }
            try Bench.check(tokens == n, "token events == N")
        }
        let silent = try await Bench.time(warmup: warmup, reps: reps) {
            let result = try await graph.invoke(["count": 0])
            try Bench.check(result.values["count"] == .int(n), "count == N")
        }
        let perEvent = Bench.median(consumed) / Double(n) * 1e6
        let perSilent = Bench.median(silent) / Double(n) * 1e6
        return [
            "n_tokens": .int(n), "reps": .int(reps),
            "us_per_token_event_consumed": Bench.round(perEvent, 3),
            "us_per_token_unconsumed": Bench.round(perSilent, 4),
            "us_overhead_per_event": Bench.round(perEvent - perSilent, 3),
        ]
    }
}
