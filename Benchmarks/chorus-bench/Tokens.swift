import ChorusGraph

/// `tokens`: 100,000 tokens through `messages` mode and 100,000 items through `custom`.
enum Tokens {
    /// The minimal chat model: streams `n` chunks `"tok "` and merges them at the end.
    struct FakeTokenModel: Sendable {
        let n: Int

        func stream(_ context: NodeContext, id: String) -> (count: Int, message: String) {
            var merged = ""
            merged.reserveCapacity(n * 4)
            for i in 0..<n {
                let token = "tok "
                context.emitMessageChunk(id: id, content: token, isLast: i == n - 1)
                merged += token
            }
            return (n, merged)
        }
    }

    static func messagesGraph(_ n: Int) throws -> CompiledGraph {
        var g = StateGraph(StateSchema([("count", .lastValue)]))
        g.addNode("llm") { _, context in
            let (count, _) = FakeTokenModel(n: n).stream(context, id: "run-1")
            return .update(["count": .int(count)])
        }
        g.addEdge(START, "llm")
        g.addEdge("llm", END)
        return try g.compile()
    }

    static func customGraph(_ n: Int) throws -> CompiledGraph {
        var g = StateGraph(StateSchema([("count", .lastValue)]))
        g.addNode("produce") { _, context in
            for i in 0..<n { context.write(custom: .int(i)) }
            return .update(["count": .int(n)])
        }
        g.addEdge(START, "produce")
        g.addEdge("produce", END)
        return try g.compile()
    }

    static func consume(_ graph: CompiledGraph, _ mode: StreamMode) async throws -> Int {
        var count = 0
        for try await _ in graph.stream(.state(["count": 0]), modes: [mode]) { count += 1 }
        return count
    }

    static func run() async throws -> Value {
        let n = 100_000
        let (_, reps) = Bench.plan(1, 3, quick: (1, 1))
        var seen = 0
        _ = try await consume(try messagesGraph(1000), .messages)
        let messages = try messagesGraph(n)
        let m = try await Bench.time(warmup: 0, reps: reps) {
            seen = try await consume(messages, .messages)
            try Bench.check(seen >= n, "tokens count >= N")
        }
        _ = try await consume(try customGraph(1000), .custom)
        let custom = try customGraph(n)
        let c = try await Bench.time(warmup: 0, reps: reps) {
            let count = try await consume(custom, .custom)
            try Bench.check(count == n, "custom count == N")
        }
        return [
            "n_tokens": .int(n), "sync_tokens_per_s": nil,
            "async_tokens_per_s": .int(Int(Double(n) / Bench.median(m))), "async_chunks_seen": .int(seen),
            "custom_sync_items_per_s": nil, "custom_async_items_per_s": .int(Int(Double(n) / Bench.median(c))),
            "reps": .int(reps),
        ]
    }
}
