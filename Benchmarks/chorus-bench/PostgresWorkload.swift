import ChorusGraph
import ChorusPostgres
import Foundation

/// `postgres`: the `checkpoint` workload's 50-node chain on the PostgreSQL
/// checkpointer at `BENCH_POSTGRES_URL`, tables fresh in a schema of their
/// own (dropped afterwards), a fresh thread per call; each step saved before
/// the next (`.sync`, Chorus's default) and with asynchronous durability.
enum PostgresWorkload {
    static func run() async throws -> Value {
        guard let base = ProcessInfo.processInfo.environment["BENCH_POSTGRES_URL"], !base.isEmpty else {
            return ["postgres_ainvoke_us": nil, "postgres_astep_us": nil, "postgres_skipped": "BENCH_POSTGRES_URL is not set"]
        }
        let schema = "bench_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let database = try await PostgresDatabase.open(try PostgresURL(base + (base.contains("?") ? "&" : "?") + "schema=" + schema))
        defer { Task { try? await database.dropSchema(); await database.close() } }
        let checkpointer = PostgresCheckpointer(database: database)
        let graph = try Chain100.build(50, checkpointer: checkpointer)
        var thread = 0
        var medians: [RunConfig.Durability: Double] = [:]
        for durability in [RunConfig.Durability.sync, .async] {
            let (warmup, reps) = Bench.plan(2, 7)
            let samples = try await Bench.time(warmup: warmup, reps: reps) {
                thread += 1
                let out = try await graph.invoke(["n": 0], config: RunConfig(threadId: "t\(thread)", recursionLimit: 10_000, durability: durability))
                try Bench.check(out.values["n"] == 50, "postgres n == 50")
            }
            let fresh = PostgresCheckpointer(database: database)
            let last = try await fresh.get(threadId: "t\(thread)", namespace: "", id: nil)
            try Bench.check(last?.checkpoint.channelValues["n"] == 50, "postgres read-back n == 50")
            medians[durability] = Bench.median(samples) * 1e6
        }
        return [
            "postgres_ainvoke_us": Bench.round(medians[.sync]!), "postgres_astep_us": Bench.round(medians[.sync]! / 50),
            "postgres_async_ainvoke_us": Bench.round(medians[.async]!), "postgres_async_astep_us": Bench.round(medians[.async]! / 50),
            "postgres_server": .string(try await database.serverVersion()),
        ]
    }
}
