import ChorusGraph
import ChorusStore
import Foundation

/// `invocations10k`: 10,000 consecutive invocations of a 3-node graph with a
/// SQLite checkpointer, a new thread each; the process's RSS every 1,000.
/// Flat means no memory kept per run beyond the bounded caches.
enum Invocations10k {
    static func run() async throws -> Value {
        let total = Bench.quick ? 2_000 : 10_000
        let directory = NSTemporaryDirectory() + "chorus-bench-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let checkpointer = SQLiteCheckpointer(database: try ChorusDatabase(path: directory + "/bench.sqlite"))
        var g = StateGraph(StateSchema([("n", .lastValue), ("log", .reducer(.append))]))
        for name in ["a", "b", "c"] {
            g.addNode(name) { input, _ in .update(["n": .int(input["n"]!.intValue! + 1), "log": [.string(name)]]) }
        }
        g.addEdge(START, "a")
        g.addEdge("a", "b")
        g.addEdge("b", "c")
        let graph = try g.compile(checkpointer: checkpointer)
        var rss: [Value] = []
        let t0 = Bench.now()
        for i in 1...total {
            let out = try await graph.invoke(["n": 0], config: RunConfig(threadId: "t\(i)"))
            try Bench.check(out.values["n"] == 3, "invocations10k n == 3")
            if i % 1_000 == 0 { rss.append(Bench.round(Double(Bench.currentRSSKiB()) / 1024, 1)) }
        }
        let perCall = Double(Bench.now() - t0) / 1e3 / Double(total)
        let first = rss.first?.doubleValue ?? 0, last = rss.last?.doubleValue ?? 0
        return ["rss_mib_every_1000": .array(rss), "growth_last_vs_first": Bench.round(last / max(first, 1), 3),
                "ainvoke_us": Bench.round(perCall), "invocations": .int(total)]
    }
}
