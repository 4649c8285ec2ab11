import ChorusApp
import ChorusGraph
import ChorusModels
import ChorusSettings
import ChorusStore
import ChorusSupport
import Foundation
import Testing

@Suite struct PrintCommandTests {
    final class Output: Sendable {
        let text = Locked("")
    }

    @Test func printStreamsTheAnswerAndSavesTheThread() async throws {
        let dir = NSTemporaryDirectory() + "chorus-print-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = Output()
        let command = PrintCommand(question: "what is a superstep? \u{1B}[2J", provider: "offline", system: nil, maxTokens: nil,
                                   ephemeral: false, databasePath: dir + "/db.sqlite")
        let thread = try await command.run(environment: ["CHORUS_OFFLINE_TOKENS_PER_SECOND": "0"]) { t in out.text.withLock { $0 += t } }
        let printed = out.text.withLock { $0 }
        #expect(printed.contains("“what is a superstep? ”"))
        #expect(!printed.contains("\u{1B}"))
        let id = try #require(thread)
        let store = ThreadStore(database: try ChorusDatabase(path: dir + "/db.sqlite"))
        #expect(try await store.get(id)?.messageCount == 2)
        #expect(try await store.transcript(id).last?["content"]?.stringValue?.contains("what is a superstep?") == true)
    }

    @Test func jsonSaysTheRequestSizeTheModelsWindowAndTheCost() async throws {
        let dir = NSTemporaryDirectory() + "chorus-print-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var config = ChorusConfig()
        config.models["offline"] = ModelSettings(contextWindow: 4_096, prices: ModelPrices(input: 1.5, output: 6))
        let question = Array(repeating: "word", count: 150).joined(separator: " ")
        let command = PrintCommand(question: question, provider: "offline", system: nil, maxTokens: nil, ephemeral: true,
                                   databasePath: dir + "/db.sqlite", config: config)
        let result = try await command.answer(environment: ["CHORUS_OFFLINE_TOKENS_PER_SECOND": "0"], write: nil)
        let json = try JSON.parse(result.json)
        #expect(json["context"]?["window"] == 4_096)
        // The offline model counts words: the request was the question's 150.
        #expect(json["context"]?["used"] == 150)
        #expect(json["usage"]?["input_tokens"] == 150)
        // The price table: 150 input tokens at $1.50 and the reply's at $6 a million.
        let output = try #require(json["usage"]?["output_tokens"]?.intValue)
        let cost = try #require(json["cost_usd"]?.doubleValue)
        #expect(abs(cost - (150 * 1.5 + Double(output) * 6) / 1_000_000) < 1e-9)
        // Without a price nothing is invented.
        let unpriced = PrintCommand(question: question, provider: "offline", system: nil, maxTokens: nil, ephemeral: true,
                                    databasePath: dir + "/db.sqlite")
        #expect(try JSON.parse(try await unpriced.answer(environment: ["CHORUS_OFFLINE_TOKENS_PER_SECOND": "0"], write: nil).json)["cost_usd"] == .null)
    }

    @Test func ephemeralSavesNothingAndUnknownProvidersAreRefused() async throws {
        let dir = NSTemporaryDirectory() + "chorus-print-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let command = PrintCommand(question: "hi", provider: "offline", system: nil, maxTokens: 3, ephemeral: true, databasePath: dir + "/db.sqlite")
        #expect(try await command.run(environment: ["CHORUS_OFFLINE_TOKENS_PER_SECOND": "0"]) { _ in } == nil)
        #expect(!FileManager.default.fileExists(atPath: dir + "/db.sqlite"))
        let bad = PrintCommand(question: "hi", provider: "nope", system: nil, maxTokens: nil, ephemeral: true, databasePath: dir + "/db.sqlite")
        await #expect(throws: UsageError.self) { _ = try await bad.run(environment: [:]) { _ in } }
        let keyless = PrintCommand(question: "hi", provider: "openai", system: nil, maxTokens: nil, ephemeral: true, databasePath: dir + "/db.sqlite")
        await #expect(throws: UsageError.self) { _ = try await keyless.run(environment: [:]) { _ in } }
    }
}


@Suite struct ModelCatalogTests {
    @Test func theDefaultProviderFollowsTheEnvironment() throws {
        #expect(ModelCatalog.defaultProvider([:]) == "offline")
        #expect(ModelCatalog.defaultProvider(["OLLAMA_HOST": "127.0.0.1:11434"]) == "ollama")
        #expect(ModelCatalog.defaultProvider(["ANTHROPIC_API_KEY": "k", "OLLAMA_HOST": "h"]) == "anthropic")
        #expect(ModelCatalog.defaultProvider(["OPENAI_API_KEY": "k", "ANTHROPIC_API_KEY": "k"]) == "openai")
        #expect(try ModelCatalog.model(provider: nil, model: nil, baseURL: nil, environment: ["OPENAI_API_KEY": "k"]).displayName == "openai/gpt-4o-mini")
        #expect(try ModelCatalog.model(provider: "ollama", model: "qwen", baseURL: nil, environment: [:]).displayName == "ollama/qwen")
        #expect(try ModelCatalog.model(provider: "openai", model: "local", baseURL: "http://127.0.0.1:8080/v1", environment: [:]).displayName == "openai/local")
    }

    @Test func aModelsSectionSetsTheWindowOfTheModelItNames() async throws {
        var config = ChorusConfig()
        config.models["local"] = ModelSettings(contextWindow: 2_048, compaction: .trim)
        config.models["gpt-4o-mini"] = ModelSettings(contextWindow: 999)
        let named = try ModelCatalog.model(provider: "openai", model: "local", baseURL: "http://127.0.0.1:9/v1", environment: [:], config: config)
        #expect(await named.contextWindow(probing: false) == 2_048)
        #expect(named.settings.compaction == .trim)
        // The default model is looked up by its name too.
        let byDefault = try ModelCatalog.model(provider: "openai", model: nil, baseURL: nil, environment: ["OPENAI_API_KEY": "k"], config: config)
        #expect(await byDefault.contextWindow(probing: false) == 999)
        // A model without a section: the hosted model's documented window.
        let other = try ModelCatalog.model(provider: "anthropic", model: nil, baseURL: nil, environment: ["ANTHROPIC_API_KEY": "k"], config: config)
        #expect(await other.contextWindow(probing: false) == 200_000)
    }

    @Test func printAgainstAnOpenAICompatibleServerOnLoopback() async throws {
        let server = try await LoopbackHTTPServer()
        defer { Task { await server.shutdown() } }
        server.enqueue(LoopbackHTTPServer.sse([
            "data: {\"choices\":[{\"delta\":{\"content\":\"real \\u001b[2Jpeer\"}}]}\n\n",
            "data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n", "data: [DONE]\n\n",
        ]))
        let out = Locked("")
        let command = PrintCommand(question: "q", provider: "openai", model: "local", baseURL: server.baseURL + "/v1", system: "be brief",
                                   maxTokens: 9, ephemeral: true, databasePath: "/unused")
        _ = try await command.run(environment: [:]) { t in out.withLock { $0 += t } }
        #expect(out.withLock { $0 } == "real peer\n")
        let body = try JSON.parse(try #require(server.requests.first).body)
        #expect(body["messages"]?.arrayValue?.first?["role"] == "system")
        #expect(body["max_tokens"] == 9)
    }
}

/// The real `chorus` binary, as a script would run it.
@Suite struct ChorusCommandLineTests {
    @Test func printThenListThreadsAsJSON() async throws {
        let dir = NSTemporaryDirectory() + "chorus-cli-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let env = ["CHORUS_OFFLINE_TOKENS_PER_SECOND": "0", "CHORUS_DB": dir + "/c.sqlite"]
        let (status, out, err) = try await BuiltExecutable.run("chorus", ["--print", "name three reducers", "--provider", "offline"], environment: env)
        #expect(status == 0)
        #expect(out.contains("“name three reducers”"))
        #expect(err.contains("saved as thread"))
        let (listStatus, listed, _) = try await BuiltExecutable.run("chorus", ["threads", "list", "--json"], environment: env)
        #expect(listStatus == 0)
        let rows = try listed.split(separator: "\n").map { try JSON.parse(String($0)) }
        #expect(rows.count == 1)
        #expect(rows.first?["title"] == "name three reducers")
        #expect(rows.first?["messages"] == 2)
        #expect(rows.first?["updated_at"]?.doubleValue != nil)
    }

    @Test func failuresExitNonZeroWithTheReasonOnStderr() async throws {
        let dir = NSTemporaryDirectory() + "chorus-cli-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "not a database".write(toFile: dir + "/bad.sqlite", atomically: true, encoding: .utf8)
        let (status, out, err) = try await BuiltExecutable.run("chorus", ["threads", "list", "--db", dir + "/bad.sqlite"])
        #expect(status != 0)
        #expect(out.isEmpty)
        #expect(err.contains(dir + "/bad.sqlite"))
        let (s2, _, e2) = try await BuiltExecutable.run("chorus", ["--print", "x", "--provider", "mystery", "--ephemeral"])
        #expect(s2 != 0)
        #expect(e2.contains("unknown provider 'mystery'"))
    }
}

import ChorusTesting
