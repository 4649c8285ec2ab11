import ChorusGraph
import ChorusStore
import Foundation

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
        let sqliteUs = try await sqlite(durability: .sync)
        let sqliteAsyncUs = try await sqlite(durability: .async)
        return [
            "sqlite_async_ainvoke_us": Bench.round(sqliteAsyncUs), "sqlite_async_astep_us": Bench.round(sqliteAsyncUs / 50),
            "memory_invoke_us": nil, "memory_step_us": nil,
            "memory_ainvoke_us": Bench.round(us), "memory_astep_us": Bench.round(us / 50),
            "sqlite_ainvoke_us": Bench.round(sqliteUs), "sqlite_astep_us": Bench.round(sqliteUs / 50), "reps": .int(reps),
        ]
    }

    /// The SQLite variant: one database file for the whole workload, opened
    /// before warm-up. Chorus's default durability is `.sync` (each step saved
    /// before the next); `.async` is LangGraph's default, measured alongside.
    static func sqlite(durability: RunConfig.Durability) async throws -> Double {
        let (warmup, reps) = Bench.plan(2, 7)
        let directory = NSTemporaryDirectory() + "chorus-bench-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let checkpointer = SQLiteCheckpointer(database: try ChorusDatabase(path: directory + "/bench.sqlite"))
        let graph = try Chain100.build(50, checkpointer: checkpointer)
        var thread = 0
        let samples = try await Bench.time(warmup: warmup, reps: reps) {
            thread += 1
            let out = try await graph.invoke(["n": 0], config: RunConfig(threadId: "t\(thread)", recursionLimit: 10_000, durability: durability))
            try Bench.check(out.values["n"] == 50, "checkpoint sqlite n == 50")
        }
        let last = try await checkpointer.get(threadId: "t\(thread)", namespace: "", id: nil)
        try Bench.check(last?.checkpoint.channelValues["n"] == 50, "sqlite read-back n == 50")
        return Bench.median(samples) * 1e6
    }
}
