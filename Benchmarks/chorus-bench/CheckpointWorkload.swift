import ChorusGraph

/// `checkpoint`: the chain shape with 50 nodes, checkpointed on a fresh thread per call.
enum CheckpointWorkload {
    static func run() async throws -> Value {
        let (warmup, reps) = Bench.plan(3, 15)
        let graph = try Chain100.build(50, checkpointer: InMemoryCheckpointer())
        var thread = 0
        let samples = try await Bench.time(warmup: warmup, reps: reps) {
            thread += 1
            let out = try await graph.invoke(["n": 0], config: RunConfig(threadId: "t\(thread)", recursionLimit: 10_000))
            try Bench.check(out.values["n"] == 50, "checkpoint n == 50")
        }
        let us = Bench.median(samples) * 1e6
        return [
            "memory_invoke_us": nil, "memory_step_us": nil,
            "memory_ainvoke_us": Bench.round(us), "memory_astep_us": Bench.round(us / 50),
            "sqlite_ainvoke_us": nil, "sqlite_astep_us": nil, "reps": .int(reps),
        ]
    }
}
