import ChorusGraph

/// `fanout1000`: one `plan` node, 1000 `Send("work", {"i": i})` in one superstep.
enum Fanout1000 {
    static func build() throws -> CompiledGraph {
        var g = StateGraph(StateSchema([("items", .lastValue), ("out", .reducer(.append))]))
        g.addNode("plan") { _, _ in .update(["items": .array((0..<1000).map { .int($0) })]) }
        g.addNode("work") { input, _ in .update(["out": [.int(input["i"]!.intValue! * 2)]]) }
        g.addEdge(START, "plan")
        g.addConditionalEdges("plan") { state in
            (state["items"]?.arrayValue ?? []).map { .send(Send("work", ["i": $0])) }
        }
        g.addEdge("work", END)
        return try g.compile()
    }

    static func validate(_ out: RunResult) throws {
        let values = out.values["out"]?.arrayValue ?? []
        try Bench.check(values.count == 1000, "fanout1000 len(out) == 1000")
        try Bench.check(values.reduce(0) { $0 + ($1.intValue ?? 0) } == 999_000, "fanout1000 sum(out)")
    }

    static func run() async throws -> Value {
        let (warmup, reps) = Bench.plan(2, 7)
        let graph = try build()
        let samples = try await Bench.time(warmup: warmup, reps: reps) {
            try validate(try await graph.invoke(["items": [], "out": []]))
        }
        let ms = Bench.median(samples) * 1e3
        return ["invoke_ms": nil, "ainvoke_ms": Bench.round(ms, 3), "task_us": nil, "atask_us": Bench.round(ms), "reps": .int(reps)]
    }
}
