import ChorusApp
import ChorusGraph
import ChorusModels
import ChorusSettings
import ChorusStore
import ChorusSupport
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
        var before = try await server.tokenCounters()
        for turn in 1...30 {
            let command = PrintCommand(question: "Turn \(turn): name a fruit and a colour, then say in one sentence why they go together.",
                                       provider: "openai", model: "smollm2", baseURL: server.baseURL, system: nil, maxTokens: 48,
                                       ephemeral: false, databasePath: database, thread: turn == 1 ? nil : .latest)
            let result = try await command.answer(environment: ["OPENAI_API_KEY": "sk-local-no-auth"], write: nil)
            #expect(threadId == nil || result.threadId == threadId, "turn \(turn) continued the thread")
            threadId = result.threadId
            // What --print reported is what llama.cpp counted itself (its /metrics): every token it generated,
            // and, for a turn of one call, the prompt tokens it processed (the prompt's less those it had cached).
            let usage = try #require(result.usage)
            let after = try await server.tokenCounters()
            #expect(usage.outputTokens == after.predicted - before.predicted, "turn \(turn)")
            if usage.calls == 1 { #expect(usage.inputTokens - usage.cachedInputTokens == after.prompt - before.prompt, "turn \(turn)") }
            before = after
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

    @Test func aResearchRunOnASmallWindowCompletes() async throws {
        let server = try await LlamaTestServer.start(context: 1024)
        defer { server.stop() }
        let dir = NSTemporaryDirectory() + "chorus-small-research-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = Locked("")
        // The plan comes from the offline model: a 135M-parameter model's plan is not reliably valid JSON, and the
        // planner's request is small; the researchers and the synthesizer run on the 1,024-token window.
        var config = ChorusConfig(research: ChorusConfig.Research(planner: "offline", researcher: "llama", synthesizer: "llama"))
        config.providers["llama"] = ChorusConfig.Provider(kind: .openai, baseURL: server.baseURL, model: "smollm2", apiKeyEnv: nil)
        let command = ResearchCommand(question: "Why do leaves change colour in autumn?", branches: 3, maxConcurrency: 1, jsonl: true,
                                      databasePath: dir + "/db.sqlite", config: config)
        try await command.run(environment: ["OPENAI_API_KEY": "sk-local-no-auth"], write: { text in out.withLock { $0 += text } }, progress: { _ in })
        let lines = try out.withLock { $0 }.split(separator: "\n").map { try JSON.parse(String($0)) }
        let final = try #require(lines.last)
        #expect(final["event"] == "final")
        #expect(final["findings"]?.arrayValue?.count == 3)
        #expect(final["answer"]?.stringValue?.isEmpty == false)
        // Every call on the server had its window, and no request was over it.
        let usage = lines.filter { $0["event"] == "usage" && $0["node"] != "planner" }
        #expect(!usage.isEmpty && usage.allSatisfy { $0["context_window"] == 1024 && ($0["input_tokens"]?.intValue ?? .max) <= 1024 })
    }
}
