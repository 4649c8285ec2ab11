import ChorusGraph
import ChorusStore
import Testing

@Suite struct ThreadStoreTests {
    func chat(_ database: ChorusDatabase) throws -> CompiledGraph {
        var g = StateGraph(StateSchema([("messages", .reducer(.messages))]))
        g.addNode("bot") { state, _ in
            let n = state["messages"]?.arrayValue?.count ?? 0
            return .update(["messages": [["type": "ai", "content": .string("reply number \(n)"), "id": .string("ai-\(n)")]]])
        }
        g.addEdge(START, "bot")
        return try g.compile(checkpointer: SQLiteCheckpointer(database: database))
    }

    @Test func draftsAreKeptPerConversationAndSurviveAReopen() async throws {
        let dir = TemporaryDirectory()
        let threads = ThreadStore(database: try ChorusDatabase(path: dir.file("t.sqlite")))
        try await threads.create(id: "a")
        try await threads.saveDraft("not sent yet", for: .draft)
        try await threads.saveDraft("alpha", for: .thread("a"))
        let reopened = ThreadStore(database: try ChorusDatabase(path: dir.file("t.sqlite")))
        #expect(try await reopened.drafts() == [.draft: "not sent yet", .thread("a"): "alpha"])
        try await reopened.saveDraft("", for: .draft)
        try await reopened.delete("a")
        #expect(try await reopened.drafts().isEmpty)
    }

    @Test func threadsFollowTheirCheckpoints() async throws {
        let dir = TemporaryDirectory()
        let database = try ChorusDatabase(path: dir.file("t.sqlite"))
        let threads = ThreadStore(database: database)
        let graph = try chat(database)
        try await threads.create(id: "a")
        try await threads.create(id: "b", title: "Named by hand")
        _ = try await graph.invoke(["messages": [["role": "user", "content": "What is a superstep?\nDetails follow", "id": "u1"]]], config: RunConfig(threadId: "a"))
        _ = try await graph.invoke(["messages": [["role": "user", "content": "Tell me about quokkas", "id": "u1"]]], config: RunConfig(threadId: "b"))
        let list = try await threads.list()
        #expect(list.map(\.id) == ["b", "a"])
        #expect(list.map(\.title) == ["Named by hand", "What is a superstep?"])
        #expect(list.map(\.messageCount) == [2, 2])
        _ = try await graph.invoke(["messages": [["role": "user", "content": "and more?", "id": "u2"]]], config: RunConfig(threadId: "a"))
        #expect(try await threads.list().map(\.id) == ["a", "b"])
        #expect(try await threads.get("a")?.messageCount == 4)
        let transcript = try await threads.transcript("a")
        #expect(transcript.map { $0["content"] } == ["What is a superstep?\nDetails follow", "reply number 1", "and more?", "reply number 3"])
    }

    @Test func searchFindsWordsAndSurvivesOperatorsInTheQuery() async throws {
        let dir = TemporaryDirectory()
        let database = try ChorusDatabase(path: dir.file("t.sqlite"))
        let threads = ThreadStore(database: database)
        let graph = try chat(database)
        for (id, text) in [("q", "quokkas live on Rottnest island"), ("s", "supersteps apply writes in order")] {
            try await threads.create(id: id)
            _ = try await graph.invoke(["messages": [["role": "user", "content": .string(text), "id": "u1"]]], config: RunConfig(threadId: id))
        }
        #expect(try await threads.search("quokka").map(\.threadId) == ["q"])
        #expect(try await threads.search("writes order").map(\.threadId) == ["s"])
        #expect(try await threads.search("reply").count == 2)
        #expect(try await threads.search("island\" OR \"writes").isEmpty)
        #expect(try await threads.search("NEAR( AND *").isEmpty)
        #expect(try await threads.search("   ").isEmpty)
        #expect(try await threads.search("rottnest").first?.snippet.contains("[Rottnest]") == true)
    }

    @Test func renameArchiveAndDelete() async throws {
        let dir = TemporaryDirectory()
        let database = try ChorusDatabase(path: dir.file("t.sqlite"))
        let threads = ThreadStore(database: database)
        let graph = try chat(database)
        try await threads.create(id: "a")
        _ = try await graph.invoke(["messages": [["role": "user", "content": "hello", "id": "u1"]]], config: RunConfig(threadId: "a"))
        try await threads.rename("a", to: "Greetings")
        #expect(try await threads.get("a")?.title == "Greetings")
        try await threads.setArchived("a", true)
        #expect(try await threads.list().isEmpty)
        #expect(try await threads.list(includeArchived: true).map(\.id) == ["a"])
        await #expect(throws: ThreadNotFound.self) { try await threads.rename("missing", to: "x") }
        try await threads.delete("a")
        #expect(try await threads.get("a") == nil)
        #expect(try await graph.getState(config: RunConfig(threadId: "a")).checkpointId == nil)
        #expect(try await threads.search("hello").isEmpty)
    }
}
