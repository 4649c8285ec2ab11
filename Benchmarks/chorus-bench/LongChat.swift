import ChorusGraph
import ChorusStore
import Foundation

/// `longchat` (named only): one thread driven to 5,040 messages, one chat
/// turn per call on the SQLite checkpointer; median µs per call in windows
/// starting at S messages, and database bytes per message (WORKLOADS.md).
enum LongChat {
    static let human = String(String(repeating: "The quick brown fox jumps over the lazy dog. ", count: 5).prefix(200))
    static let reply = String(String(repeating: "Pack my box with five dozen liquor jugs. ", count: 10).prefix(400))
    static let windows = [10, 100, 1000, 2000, 3000, 5000]
    static let sizes = [1000, 2000, 3000, 5000]

    static func run() async throws -> Value {
        let target = Bench.quick ? 1_040 : 5_040
        let directory = NSTemporaryDirectory() + "chorus-bench-longchat-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/longchat.sqlite"
        let checkpointer = SQLiteCheckpointer(database: try ChorusDatabase(path: path))
        var g = StateGraph(StateSchema([("messages", .reducer(.messages))]))
        g.addNode("reply") { _, _ in .update(["messages": [["type": "ai", "content": .string(reply)]]]) }
        g.addEdge(START, "reply")
        g.addEdge("reply", END)
        let graph = try g.compile(checkpointer: checkpointer)
        let config = RunConfig(threadId: "longchat", recursionLimit: 10_000)

        var callUs: [Double] = []
        var bytes: [Int: Int] = [:]
        let started = Bench.now()
        for k in 1...(target / 2) {
            let t0 = Bench.now()
            let out = try await graph.invoke(["messages": [["type": "human", "content": .string(human), "id": .string("human-\(k)")]]], config: config)
            callUs.append(Double(Bench.now() - t0) / 1e3)
            let messages = out.values["messages"]?.arrayValue ?? []
            try Bench.check(messages.count == 2 * k, "longchat holds 2k messages")
            try Bench.check(messages[2 * k - 2]["id"] == .string("human-\(k)"), "longchat human id")
            try Bench.check(messages[2 * k - 1]["content"] == .string(reply) && messages[2 * k - 1]["type"] == "ai"
                                && !(messages[2 * k - 1]["id"]?.stringValue ?? "").isEmpty, "longchat reply")
            if sizes.contains(2 * k) { bytes[2 * k] = fileBytes(path) + fileBytes(path + "-wal") }
        }
        var result: [String: Value] = [:]
        var atTen = 0.0
        for s in windows where s + 40 <= target {
            let first = s / 2  // index of call S/2 + 1
            let us = Bench.median(Array(callUs[first..<(first + 20)]))
            if s == 10 { atTen = us }
            result["sqlite_call_us_at_\(s)"] = Bench.round(us, 1)
            if s >= 1000 { result["growth_\(s)_vs_10"] = Bench.round(us / atTen, 2) }
        }
        for m in sizes {
            guard let b = bytes[m] else { continue }
            result["db_bytes_at_\(m)"] = .int(b)
            result["db_bytes_per_message_at_\(m)"] = Bench.round(Double(b) / Double(m), 1)
        }
        result["messages"] = .int(target)
        result["calls"] = .int(target / 2)
        result["window_calls"] = 20
        result["drive_s"] = Bench.round(Double(Bench.now() - started) / 1e9, 1)
        result["stop_reason"] = Bench.quick ? "quick run" : nil
        return .object(result)
    }

    static func fileBytes(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? 0
    }
}
