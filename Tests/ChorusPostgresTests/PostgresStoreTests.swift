import ChorusGraph
@testable import ChorusPostgres
import ChorusPostgresTesting
import ChorusStore
import ChorusTesting
import Foundation
import Testing

/// A statement whose connection went away without a word gives up in time,
/// as a lost connection, so it is tried again rather than awaited forever.
@Suite(.timeLimit(.minutes(1))) struct StatementDeadlineTests {
    @Test func aStatementThatNeverAnswersCountsAsALostConnection() async throws {
        let error = await #expect(throws: PostgresStoreError.self) {
            try await PostgresDatabase.answered(within: .milliseconds(200)) { () async throws -> Int in
                try await Task.sleep(for: .seconds(3600))
                return 0
            }
        }
        #expect(error.map(PostgresStoreError.isConnectionLoss) == true)
        #expect(try await PostgresDatabase.answered(within: .seconds(30)) { 7 } == 7)
        await #expect(throws: CancellationError.self) {
            try await PostgresDatabase.answered(within: .seconds(30)) { () async throws -> Int in throw CancellationError() }
        }
    }

    @Test func aDatabaseThatIsNotThereIsNamed() async throws {
        let url = try PostgresURL("postgres://nobody@127.0.0.1:1/chorus")
        let error = await #expect(throws: PostgresStoreError.self) { _ = try await PostgresDatabase.open(url, connectTimeout: .seconds(2)) }
        guard case .unreachable(let at, _)? = error else { Issue.record("\(String(describing: error))"); return }
        #expect(at == url)
    }
}

@Suite struct PostgresURLTests {
    @Test func readsEveryPart() throws {
        let url = try PostgresURL("postgres://ada:s%40cret@db.local:6543/chorus?schema=team_a")
        #expect(url.user == "ada")
        #expect(url.password == "s@cret")
        #expect(url.host == "db.local")
        #expect(url.port == 6543)
        #expect(url.database == "chorus")
        #expect(url.schema == "team_a")
        #expect(!url.description.contains("cret"), "the password never shows")
        #expect(try PostgresURL("postgresql://u@h/d").port == 5432)
    }

    @Test(arguments: ["mysql://u@h/d", "postgres://h/d", "postgres://u@h", "postgres://u@h/d?schema=x;drop", "postgres://u@h/d?sslmode=on"])
    func refusesWhatItCannotUse(_ text: String) {
        #expect(throws: PostgresStoreError.self) { try PostgresURL(text) }
    }

    @Test func anErrorNeverShowsThePassword() {
        let error = (try? PostgresURL("postgres://u:hunter2@h/d?schema=1x")).map { _ in "" } ?? ""
        #expect(error.isEmpty)
        do {
            _ = try PostgresURL("postgres://u:hunter2@h/d?schema=1x")
        } catch {
            #expect(!"\(error)".contains("hunter2"))
        }
    }
}

@Suite("PostgreSQL store", .enabled(if: TestPostgres.isAvailable))
struct PostgresStoreTests {
    @Test func aSchemaFromANewerChorusIsRefused() async throws {
        let url = try PostgresURL(try TestPostgres.freshSchemaURL())
        let database = try await PostgresDatabase.open(url)
        try await database.markSchemaVersion(99)
        await database.close()
        await #expect(throws: PostgresStoreError.self) { try await PostgresDatabase.open(url) }
        // Opening the same up-to-date schema twice (two instances) is fine.
        let other = try PostgresURL(try TestPostgres.freshSchemaURL())
        async let a = PostgresDatabase.open(other)
        async let b = PostgresDatabase.open(other)
        let (first, second) = try await (a, b)
        await first.close()
        await second.close()
    }

    @Test func anUnreachableServerIsNamedInTime() async throws {
        let start = ContinuousClock.now
        await #expect(throws: PostgresStoreError.self) {
            try await PostgresDatabase.open(try PostgresURL("postgres://nobody@127.0.0.1:1/none"), connectTimeout: .seconds(1))
        }
        // Named long before the pool would give up on its own (a minute of retries).
        #expect(ContinuousClock.now - start < .seconds(30))
    }

    @Test func threadsAreCreatedFoundAnnotatedAndDeleted() async throws {
        let database = try await TestPostgres.shared()
        let threads = PostgresThreadStore(database: database)
        let tag = UUID().uuidString
        let a = try await threads.create(id: UUID().uuidString, metadata: ["team": .string(tag), "n": 1])
        let b = try await threads.create(id: UUID().uuidString, metadata: ["team": .string(tag), "n": 2])
        await #expect(throws: ThreadAlreadyExists.self) { try await threads.create(id: a.id) }
        #expect(try await threads.get(a.id)?.metadata == ["team": .string(tag), "n": 1])
        let found = try await threads.find(metadata: ["team": .string(tag)], limit: 1, offset: 0)
        #expect(found.total == 2)
        #expect(found.threads.count == 1)
        #expect(try await threads.find(metadata: ["team": .string(tag), "n": 2], limit: 10, offset: 0).threads.map(\.id) == [b.id])
        let annotated = try await threads.annotate(a.id, metadata: ["n": 5, "graph_id": "research"], kind: .research)
        #expect(annotated.metadata == ["team": .string(tag), "n": 5, "graph_id": "research"])
        #expect(annotated.kind == .research)
        await #expect(throws: ThreadNotFound.self) { try await threads.annotate("missing", metadata: [:]) }
        try await threads.delete(a.id)
        #expect(try await threads.get(a.id) == nil)
    }

    @Test func checkpointsKeepTheListAndTheFullTextIndexInStep() async throws {
        let database = try await TestPostgres.shared()
        let threads = PostgresThreadStore(database: database)
        let saver = PostgresCheckpointer(database: database)
        let id = UUID().uuidString
        try await threads.create(id: id)
        let word = "zebra" + String(UUID().uuidString.prefix(6)).lowercased().filter(\.isLetter)
        var graph = StateGraph(StateSchema([("messages", .reducer(.messages))]))
        graph.addNode("reply") { _, _ in .update(["messages": [["type": "ai", "content": .string("the \(word) answers")]]]) }
        graph.addEdge(START, "reply")
        let compiled = try graph.compile(checkpointer: saver)
        let started = Date()
        _ = try await compiled.invoke(["messages": [["type": "human", "content": .string("Tell me about \(word)s please")]]], config: RunConfig(threadId: id))
        let record = try #require(try await threads.get(id))
        #expect(record.messageCount == 2)
        #expect(record.title == "Tell me about \(word)s please")
        let hits = try await threads.search(String(word.prefix(6)), limit: 10)
        #expect(Set(hits.map(\.role)) == ["human", "ai"])
        #expect(hits.allSatisfy { $0.threadId == id && $0.snippet.contains("[") })
        #expect(try await threads.search("'; DROP TABLE threads; --", limit: 10).isEmpty)
        // A rolled-back run leaves neither its checkpoints nor its index entries.
        try await saver.deleteCheckpoints(threadId: id, since: started)
        #expect(try await saver.get(threadId: id, namespace: "", id: nil) == nil)
        #expect(try await threads.search(word, limit: 10).isEmpty)
        #expect(try await threads.get(id)?.messageCount == 0)
    }

    @Test func anotherInstanceReadsWhatOneWrote() async throws {
        let url = try PostgresURL(try TestPostgres.freshSchemaURL())
        let (one, two) = (try await PostgresDatabase.open(url), try await PostgresDatabase.open(url))
        defer { Task { await one.close(); await two.close() } }
        var graph = StateGraph(StateSchema([("n", .reducer(.add)), ("log", .reducer(.append))]))
        graph.addNode("a") { _, _ in .update(["n": 1, "log": ["a"]]) }
        graph.addNode("b") { _, _ in .update(["n": 10]) }
        graph.addEdge(START, "a")
        graph.addEdge("a", "b")
        let first = try graph.compile(checkpointer: PostgresCheckpointer(database: one))
        let second = try graph.compile(checkpointer: PostgresCheckpointer(database: two))
        _ = try await first.invoke(["n": 0, "log": []], config: RunConfig(threadId: "shared"))
        // Instance two continues the thread instance one wrote (its parent is unknown to two's memory).
        let after = try await second.invoke(["n": 100], config: RunConfig(threadId: "shared"))
        #expect(after.values["n"] == 122)
        #expect(after.values["log"] == ["a", "a"])
        #expect(try await first.getState(config: RunConfig(threadId: "shared")).values["n"] == 122)
    }

    @Test func finishedRunsLetGoOfTheirEventsThenTheirRecords() async throws {
        let database = try await PostgresDatabase.open(try PostgresURL(try TestPostgres.freshSchemaURL()))
        defer { Task { await database.close() } }
        let queue = PostgresRunQueue(database: database, instance: "here")
        for name in ["done", "going"] {
            _ = try await queue.submit(QueuedRun(id: name, threadId: "thread-" + name, stateless: true, assistantId: "chat", request: "{}",
                                                 createdAt: Date()), rejectIfBusy: false)
            let claimed = try #require(try await queue.claim(lease: .seconds(60), runId: name))
            #expect(claimed.attempt == 1)
            try await queue.append([StoredRunEvent(runId: name, seq: 0, event: "metadata", data: "{}"),
                                    StoredRunEvent(runId: name, seq: 1, event: "values", data: "{}")])
        }
        #expect(try await queue.finish("done", status: "success", outcome: "idle", finalValues: "{}", error: nil).held)
        // Within an hour nothing goes; after it the finished run's events go, and after a week its record.
        #expect(try await queue.prune(RunRetention()) == (0, 0))
        let later = Date().addingTimeInterval(2 * 3600)
        #expect(try await queue.prune(RunRetention(), now: later) == (2, 0))
        #expect(try await queue.events(of: "done", after: -1).isEmpty)
        #expect(try await queue.run("done")?.status == "success")
        #expect(try await queue.run("done")?.finalValues == "{}")
        // Past the newest `valuesOfNewest` and `valuesFor` after its end, a run keeps its record but not its final state.
        _ = try await queue.prune(RunRetention(valuesOfNewest: 0, valuesFor: .seconds(60)), now: later)
        #expect(try await queue.run("done")?.finalValues == nil)
        #expect(try await queue.run("done")?.status == "success")
        #expect(try await queue.prune(RunRetention(), now: later.addingTimeInterval(8 * 86_400)) == (0, 1))
        #expect(try await queue.run("done") == nil)
        // A run still going keeps everything.
        #expect(try await queue.events(of: "going", after: -1).count == 2)
        #expect(try await queue.run("going")?.status == "running")
    }
}
