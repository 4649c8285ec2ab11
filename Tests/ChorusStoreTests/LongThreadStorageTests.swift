import ChorusGraph
@testable import ChorusStore
import Foundation
import GRDB
import Testing

/// Messages are saved item by item: what each checkpoint reads back is the
/// whole list, exactly, while the file holds each message once.
@Suite struct LongThreadStorageTests {
    /// A chat whose reply has a predictable id, so two checkpointers can be compared value for value.
    static func chat(_ checkpointer: any Checkpointer) throws -> CompiledGraph {
        var g = StateGraph(StateSchema([("messages", .reducer(.messages))]))
        g.addNode("reply") { state, _ in
            let count = state["messages"]?.arrayValue?.count ?? 0
            return .update(["messages": [["type": "ai", "content": .string("reply to \(count)"), "id": .string("ai-\(count)")]]])
        }
        g.addEdge(START, "reply")
        g.addEdge("reply", END)
        return try g.compile(checkpointer: checkpointer)
    }

    static func human(_ k: Int, _ text: String? = nil) -> [String: Value] {
        ["messages": [["type": "human", "content": .string(text ?? "question \(k)"), "id": .string("human-\(k)")]]]
    }

    static func itemRows(_ database: ChorusDatabase) async throws -> Int {
        try await database.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM checkpoint_items") ?? 0 }
    }

    /// Every checkpoint's values, oldest first, without ids (they differ between checkpointers).
    static func history(_ graph: CompiledGraph, thread: String) async throws -> [Value] {
        try await graph.getStateHistory(config: RunConfig(threadId: thread)).reversed().map(\.values)
    }

    @Test func everyCheckpointReadsBackAsTheInMemoryCheckpointerHasIt() async throws {
        let dir = TemporaryDirectory()
        let database = try ChorusDatabase(path: dir.file("long.sqlite"))
        let sqlite = try Self.chat(SQLiteCheckpointer(database: database))
        let memory = try Self.chat(InMemoryCheckpointer())
        let config = RunConfig(threadId: "t")
        for graph in [sqlite, memory] {
            for k in 1...20 { _ = try await graph.invoke(Self.human(k), config: config) }
            // An edit in the middle (same id, new text), a removal, then more turns.
            _ = try await graph.updateState(config: config, values: Self.human(5, "question five, edited"), asNode: "reply")
            _ = try await graph.updateState(config: config, values: ["messages": [["type": "remove", "id": "ai-11", "content": ""]]], asNode: "reply")
            for k in 21...23 { _ = try await graph.invoke(Self.human(k), config: config) }
        }
        let saved = try await Self.history(sqlite, thread: "t")
        #expect(saved == (try await Self.history(memory, thread: "t")))
        let last = try #require(saved.last?["messages"]?.arrayValue)
        #expect(last.count == 45)
        #expect(last[8]["content"] == "question five, edited")
        #expect(!last.contains { $0["id"] == "ai-11" })
        // Each message once, plus the edited one: not the whole list per checkpoint.
        #expect(try await Self.itemRows(database) == 46 + 1)

        // A fork from an old checkpoint continues from exactly that list.
        let tenth = try #require(try await sqlite.getStateHistory(config: config).first { $0.values["messages"]?.arrayValue?.count == 20 })
        _ = try await sqlite.updateState(config: RunConfig(threadId: "t", checkpointId: tenth.checkpointId), values: Self.human(99), asNode: "reply")
        let forked = try await sqlite.invoke(.continue, config: config)
        let expected = (tenth.values["messages"]?.arrayValue ?? []) + [
            ["type": "human", "content": "question 99", "id": "human-99"],
        ]
        #expect(forked.values["messages"]?.arrayValue == expected)
    }

    @Test func theCacheCountsTheBytesSavedAndKeepsToItsBudget() async throws {
        let dir = TemporaryDirectory()
        let database = try ChorusDatabase(path: dir.file("budget.sqlite"))
        let long = String(repeating: "words ", count: 200)
        let writer = SQLiteCheckpointer(database: database, messagesKey: "messages", cacheCapacity: 128, cacheBudget: 20_000)
        let graph = try Self.chat(writer)
        for k in 1...12 { _ = try await graph.invoke(Self.human(k, long), config: RunConfig(threadId: "a")) }
        // Counted as it was saved, item by item, it is what a fresh read of the file measures.
        let reader = SQLiteCheckpointer(database: database)
        _ = try await reader.get(threadId: "a", namespace: "", id: nil)
        let saved = writer.cached
        #expect(saved.threads == 1 && saved.bytes > 12 * long.utf8.count)
        #expect(saved.bytes == reader.cached.bytes)

        // A second thread as large does not fit beside it: the first goes, and comes back from the file when used.
        for k in 1...12 { _ = try await graph.invoke(Self.human(k, long), config: RunConfig(threadId: "b")) }
        #expect(writer.cached.threads == 1 && writer.cached.bytes <= 20_000)
        let continued = try await graph.invoke(Self.human(13), config: RunConfig(threadId: "a"))
        let ids = continued.values["messages"]?.arrayValue?.compactMap { $0["id"]?.stringValue }
        #expect(ids == (1...13).flatMap { ["human-\($0)", "ai-\(2 * $0 - 1)"] })
        // A thread larger than the whole budget still stays: the one being written to.
        for k in 14...40 { _ = try await graph.invoke(Self.human(k, long), config: RunConfig(threadId: "a")) }
        #expect(writer.cached.threads == 1 && writer.cached.bytes > 20_000)
    }

    @Test func aSecondWriterOnTheSameFileIsSeenAndContinuedFrom() async throws {
        let dir = TemporaryDirectory()
        let app = try Self.chat(SQLiteCheckpointer(database: try ChorusDatabase(path: dir.file("shared.sqlite"))))
        let serve = try Self.chat(SQLiteCheckpointer(database: try ChorusDatabase(path: dir.file("shared.sqlite"))))
        let config = RunConfig(threadId: "t")
        for k in 1...10 { _ = try await app.invoke(Self.human(k), config: config) }
        _ = try await serve.invoke(Self.human(11), config: config)
        let result = try await app.invoke(Self.human(12), config: config)
        let ids = result.values["messages"]?.arrayValue?.compactMap { $0["id"]?.stringValue }
        #expect(ids == (1...12).flatMap { ["human-\($0)", "ai-\(2 * $0 - 1)"] })
        let again = try await serve.getState(config: config).values["messages"]?.arrayValue
        #expect(again?.count == 24)
    }

    @Test func theSearchIndexFollowsEditsAndRemovals() async throws {
        let dir = TemporaryDirectory()
        let database = try ChorusDatabase(path: dir.file("index.sqlite"))
        let threads = ThreadStore(database: database)
        _ = try await threads.create(id: "t")
        let graph = try Self.chat(SQLiteCheckpointer(database: database))
        let config = RunConfig(threadId: "t")
        for k in 1...12 { _ = try await graph.invoke(Self.human(k, k == 3 ? "about quokkas" : nil), config: config) }
        #expect(try await threads.search("quokkas").map(\.messageId) == ["human-3"])
        _ = try await graph.updateState(config: config, values: Self.human(3, "about wombats"), asNode: "reply")
        #expect(try await threads.search("quokkas").isEmpty)
        #expect(try await threads.search("wombats").map(\.messageId) == ["human-3"])
        _ = try await graph.updateState(config: config, values: ["messages": [["type": "remove", "id": "human-3", "content": ""]]], asNode: "reply")
        #expect(try await threads.search("wombats").isEmpty)
        #expect(try await threads.get("t")?.messageCount == 23)
        #expect(try await threads.get("t")?.title == "question 1")
        let indexed = try await database.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM message_index WHERE thread_id = 't'") }
        #expect(indexed == 23)
    }

    /// A database written before lists were itemized (whole-list blobs) is
    /// read as it was and continued: nothing of the thread is lost.
    @Test func aThreadSavedAsWholeListsMigratesForward() async throws {
        let dir = TemporaryDirectory()
        let path = dir.file("old.sqlite")
        let old: [Value] = (1...10).flatMap { k -> [Value] in
            [["type": "human", "content": .string("question \(k)"), "id": .string("human-\(k)")],
             ["type": "ai", "content": .string("reply to \(2 * k - 1)"), "id": .string("ai-\(2 * k - 1)")]]
        }
        do {
            let pool = try DatabasePool(path: path)
            try ChorusMigrations.migrator.migrate(pool, upTo: "v3-thread-metadata")
            try await pool.write { db in
                // As the v3 store wrote a checkpoint: the whole list in one blob.
                try db.execute(sql: "INSERT INTO checkpoint_blobs (thread_id, namespace, channel, checkpoint_id, value_json) VALUES ('t', '', 'messages', 'c1', ?)",
                               arguments: [JSON.serialize(.array(old))])
                try db.execute(sql: """
                    INSERT INTO checkpoints (thread_id, namespace, checkpoint_id, parent_id, step, source, versions_json, seen_json, locations_json, created_at)
                    VALUES ('t', '', 'c1', NULL, 1, 'loop', '{"messages":2,"__start__":1,"branch:to:reply":2}', '{"reply":{"branch:to:reply":2}}', '{"messages":"c1"}', 0)
                    """)
            }
        }
        let database = try ChorusDatabase(path: path)
        let graph = try Self.chat(SQLiteCheckpointer(database: database))
        let config = RunConfig(threadId: "t")
        #expect(try await graph.getState(config: config).values["messages"]?.arrayValue == old)
        let result = try await graph.invoke(Self.human(11), config: config)
        #expect(result.values["messages"]?.arrayValue == old + [
            ["type": "human", "content": "question 11", "id": "human-11"], ["type": "ai", "content": "reply to 21", "id": "ai-21"],
        ])
        #expect(try await Self.itemRows(database) == 22)
    }

    /// Rolling a thread back (serve's `rollback`) removes the items the
    /// dropped checkpoints saved; the thread goes on from what remains.
    @Test func rollingBackDropsTheLaterItemsAndContinuesExactly() async throws {
        let dir = TemporaryDirectory()
        let database = try ChorusDatabase(path: dir.file("rollback.sqlite"))
        let checkpointer = SQLiteCheckpointer(database: database)
        let graph = try Self.chat(checkpointer)
        let config = RunConfig(threadId: "t")
        for k in 1...10 { _ = try await graph.invoke(Self.human(k), config: config) }
        let kept = try await graph.getState(config: config).values
        // A clear gap in checkpoint time between what is kept and what is rolled back.
        try await Task.sleep(for: .milliseconds(5))
        let cut = Date()
        try await Task.sleep(for: .milliseconds(5))
        for k in 11...13 { _ = try await graph.invoke(Self.human(k), config: config) }
        try await checkpointer.deleteCheckpoints(threadId: "t", since: cut)
        #expect(try await graph.getState(config: config).values == kept)
        #expect(try await Self.itemRows(database) == 20)
        let result = try await graph.invoke(Self.human(14), config: config)
        #expect(result.values["messages"]?.arrayValue?.suffix(2).compactMap { $0["id"]?.stringValue } == ["human-14", "ai-21"])
        #expect(result.values["messages"]?.arrayValue?.count == 22)
        #expect(try await Self.itemRows(database) == 22)
    }

    @Test func unreadableItemRangesAreAnErrorNotAWrongList() async throws {
        let dir = TemporaryDirectory()
        let database = try ChorusDatabase(path: dir.file("broken.sqlite"))
        let checkpointer = SQLiteCheckpointer(database: database)
        let graph = try Self.chat(checkpointer)
        for k in 1...6 { _ = try await graph.invoke(Self.human(k), config: RunConfig(threadId: "t")) }
        try await database.pool.write { db in try db.execute(sql: "DELETE FROM checkpoint_items WHERE seq = 3") }
        let fresh = SQLiteCheckpointer(database: database)
        await #expect(throws: StoreError.self) { try await fresh.get(threadId: "t", namespace: "", id: nil) }
    }
}
