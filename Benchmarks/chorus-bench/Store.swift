import ChorusGraph
import ChorusStore
import Foundation

/// `store` (Chorus only): listing 10,000 threads and full-text search over
/// 100,000 messages in a SQLite file, median ms per call.
enum StoreWorkload {
    static func run() async throws -> Value {
        let (warmup, reps) = Bench.plan(2, 15)
        let threadCount = Bench.quick ? 1_000 : 10_000
        let messagesPerThread = 10
        let directory = NSTemporaryDirectory() + "chorus-bench-store-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let database = try ChorusDatabase(path: directory + "/store.sqlite")
        let threads = ThreadStore(database: database)
        let words = ["graph", "superstep", "quokka", "channel", "reducer", "token", "stream", "thread", "checkpoint", "interrupt"]
        try await StoreFixture.fill(database, threads: threadCount, messagesPerThread: messagesPerThread, words: words)
        let listed = try await Bench.time(warmup: warmup, reps: reps) {
            let all = try await threads.list()
            try Bench.check(all.count == threadCount, "list returns every thread")
        }
        let searched = try await Bench.time(warmup: warmup, reps: reps) {
            let hits = try await threads.search("quokka superstep", limit: 50)
            try Bench.check(!hits.isEmpty, "search finds matches")
        }
        return [
            "threads": .int(threadCount), "messages": .int(threadCount * messagesPerThread),
            "list_threads_ms": Bench.round(Bench.median(listed) * 1e3, 3),
            "search_messages_ms": Bench.round(Bench.median(searched) * 1e3, 3), "reps": .int(reps),
        ]
    }
}

/// Fills a database through the public API, as chats would.
enum StoreFixture {
    static func fill(_ database: ChorusDatabase, threads count: Int, messagesPerThread: Int, words: [String]) async throws {
        let threads = ThreadStore(database: database)
        let checkpointer = SQLiteCheckpointer(database: database)
        for t in 0..<count {
            let id = "thread-\(t)"
            try await threads.create(id: id)
            var messages: [Value] = []
            for m in 0..<messagesPerThread {
                let text = (0..<12).map { words[(t * 7 + m * 3 + $0 * 3) % words.count] }.joined(separator: " ")
                messages.append(["type": m % 2 == 0 ? "human" : "ai", "content": .string("\(text) #\(t)-\(m)"), "id": .string("m\(m)")])
            }
            let checkpoint = Checkpoint(id: CheckpointID.next(), channelValues: ["messages": .array(messages)],
                                        channelVersions: ["messages": 1], versionsSeen: [:])
            try await checkpointer.put(threadId: id, namespace: "", checkpoint: checkpoint,
                                       metadata: CheckpointMetadata(source: .loop, step: 1), parentId: nil)
        }
    }
}
