import ChorusGraph

/// `chain100`: 100 nodes in a line, each `n += 1`.
enum Chain100 {
    static func build(_ length: Int, checkpointer: (any Checkpointer)? = nil) throws -> CompiledGraph {
        var g = StateGraph(StateSchema([("n", .lastValue)]))
        for i in 0..<length {
            g.addNode("n\(i)") { input, _ in .update(["n": .int(input["n"]!.intValue! + 1)]) }
            g.addEdge(i == 0 ? START : "n\(i - 1)", "n\(i)")
        }
        g.addEdge("n\(length - 1)", END)
        return try g.compile(checkpointer: checkpointer)
    }

    static func run() async throws -> Value {
        let (warmup, reps) = Bench.plan(5, 30)
        let graph = try build(100)
        let config = RunConfig(recursionLimit: 10_000)
        let samples = try await Bench.time(warmup: warmup, reps: reps) {
            let out = try await graph.invoke(["n": 0], config: config)
            try Bench.check(out.values["n"] == 100, "chain100 n == 100")
        }
        let us = Bench.median(samples) * 1e6
        return ["invoke_us": nil, "ainvoke_us": Bench.round(us), "step_us": nil, "astep_us": Bench.round(us / 100), "reps": .int(reps)]
    }
}
