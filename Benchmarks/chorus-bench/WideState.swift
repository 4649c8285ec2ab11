import ChorusGraph

/// `widestate`: 200 int keys, 20 nodes each updating 10 of them.
enum WideState {
    static func run() async throws -> Value {
        let (warmup, reps) = Bench.plan(5, 30)
        var g = StateGraph(StateSchema((0..<200).map { ("k\($0)", .lastValue) }))
        for j in 0..<20 {
            g.addNode("w\(j)") { input, _ in
                var update: [String: Value] = [:]
                for m in 0..<10 {
                    let key = "k\(10 * j + m)"
                    update[key] = .int(input[key]!.intValue! + 1)
                }
                return .update(update)
            }
            g.addEdge(j == 0 ? START : "w\(j - 1)", "w\(j)")
        }
        g.addEdge("w19", END)
        let graph = try g.compile()
        var input: [String: Value] = [:]
        for i in 0..<200 { input["k\(i)"] = 0 }
        let samples = try await Bench.time(warmup: warmup, reps: reps) {
            let out = try await graph.invoke(input, config: RunConfig(recursionLimit: 10_000))
            let values = out.values.objectValue ?? [:]
            try Bench.check(values.count == 200 && values.values.allSatisfy { $0 == 1 }, "widestate all keys == 1")
        }
        let us = Bench.median(samples) * 1e6
        return ["invoke_us": nil, "ainvoke_us": Bench.round(us), "step_us": nil, "astep_us": Bench.round(us / 20), "reps": .int(reps)]
    }
}
