import ChorusApp
import ChorusModels
import ChorusSettings
import ChorusStore
import ChorusTesting
import Foundation
import Testing

/// A real llama.cpp server with a 1,024-token window: a thread goes on far
/// past it through `--print --continue`, compacting as it needs to, and
/// keeps every message.
@Suite(.enabled(if: LlamaTestServer.isAvailable), .serialized, .timeLimit(.minutes(10)))
struct SmallContextTests {
    @Test func thirtyTurnsThroughPrintContinueOnASmallWindowAllSucceedAndKeepEveryMessage() async throws {
        let server = try await LlamaTestServer.start(context: 1024)
        defer { server.stop() }
        let dir = NSTemporaryDirectory() + "chorus-small-context-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let database = dir + "/db.sqlite"
        var threadId: String?
        for turn in 1...30 {
            let command = PrintCommand(question: "Turn \(turn): name a fruit and a colour, then say in one sentence why they go together.",
                                       provider: "openai", model: "smollm2", baseURL: server.baseURL, system: nil, maxTokens: 48,
                                       ephemeral: false, databasePath: database, thread: turn == 1 ? nil : .latest)
            let id = try await command.run(environment: ["OPENAI_API_KEY": "sk-local-no-auth"]) { _ in }
            #expect(threadId == nil || id == threadId, "turn \(turn) continued the thread")
            threadId = id
        }
        let backend = LocalBackend(database: try ChorusDatabase(path: database), environment: [:], config: ChorusConfig())
        let record = try await backend.thread(try #require(threadId))
        let document = try await ThreadDocument.load(record, from: backend)
        let conversation = document.messages.filter { $0.compacted == nil }
        #expect(conversation.count == 60)
        #expect(conversation.filter { $0.role == "user" }.map(\.text).last?.hasPrefix("Turn 30:") == true)
        #expect(conversation.allSatisfy { $0.status == nil }, "no reply failed or was cut")
        // The window was reached: the thread shows where it was compacted, and what each compaction covered.
        let compactions = document.messages.compactMap(\.compacted)
        #expect(!compactions.isEmpty)
        #expect(compactions.allSatisfy { range in document.messages.contains { $0.id == range.through } })
        let json = document.jsonValue["messages"]?.arrayValue ?? []
        #expect(json.contains { $0["kind"] == "compaction" && ($0["covered"]?.intValue ?? 0) > 0 })
    }
}
