import ChorusModels
import ChorusSupport
import Foundation
import Testing

/// Against a real llama.cpp `llama-server` on loopback, started by
/// `scripts/test.sh` through `shared/llm-servers` (tests skip when it is not
/// running). Asserts protocol behaviour, not what the tiny model says.
@Suite(.enabled(if: RealPeer.openAIBaseURL != nil, "llama-server is not running (see scripts/test.sh)"),
       .timeLimit(.minutes(2)), .serialized)
struct RealPeerTests {
    func request(_ text: String, maxTokens: Int = 16) -> ChatRequest {
        ChatRequest(messages: [ChatMessage(role: .user, content: text, id: "u")], maxTokens: maxTokens, temperature: 0)
    }

    @Test(arguments: RealPeer.kinds)
    func streamsAReplyWithUsageAndFinish(_ kind: String) async throws {
        let model = try #require(RealPeer.model(kind))
        var text = "", finish: FinishReason?, usage: Usage?
        for try await chunk in model.stream(request("Say hello in one short sentence.")) {
            switch chunk {
            case .text(let t): text += t
            case .finish(let f): finish = f
            case .usage(let u): usage = u
            case .toolCall, .retrying: break
            }
        }
        #expect(!text.isEmpty)
        #expect(finish == .stop || finish == .length)
        #expect((usage?.outputTokens ?? 0) > 0)
    }

    /// llama-server closes the connection after every stream; the next request
    /// on that pooled connection fails before headers and must be retried.
    @Test(arguments: RealPeer.kinds)
    func backToBackRequestsSurviveClosedKeepAliveConnections(_ kind: String) async throws {
        let model = try #require(RealPeer.model(kind))
        for i in 0..<5 {
            let reply = try await model.invoke(request("Count to \(i + 2).", maxTokens: 8))
            #expect(!reply.text.isEmpty)
        }
    }

    @Test func fourConcurrentStreamsAndOneCancelled() async throws {
        let models = RealPeer.kinds.compactMap(RealPeer.model)
        let results = try await withThrowingTaskGroup(of: String.self) { group in
            for i in 0..<4 {
                let model = models[i % models.count]
                group.addTask { try await model.invoke(self.request("Name a colour, number \(i).", maxTokens: 24)).text }
            }
            var out: [String] = []
            for try await text in group { out.append(text) }
            return out
        }
        #expect(results.count == 4)
        #expect(results.allSatisfy { !$0.isEmpty })

        let started = Locked(false)
        let model = try #require(RealPeer.model("openai"))
        let consumer = Task {
            var n = 0
            for try await chunk in model.stream(request("Write a long story about a lighthouse.", maxTokens: 400)) {
                if case .text = chunk { n += 1; started.withLock { $0 = true } }
                if n == 3 { withUnsafeCurrentTask { $0?.cancel() } }
            }
            return n
        }
        let n = try await consumer.value
        #expect(n >= 3 && n < 400)
        // The server is free again: a new request is answered at once.
        #expect(!(try await model.invoke(request("Hi.", maxTokens: 4)).text.isEmpty))
    }
}

enum RealPeer {
    static let environment = ProcessInfo.processInfo.environment
    static var openAIBaseURL: String? { environment["CHORUS_TEST_OPENAI_BASE_URL"] }
    static let kinds = ["openai", "anthropic"]

    static func model(_ kind: String) -> (any ChatModel)? {
        let name = environment["CHORUS_TEST_MODEL"] ?? "smollm2"
        switch kind {
        case "openai":
            return openAIBaseURL.map { Providers.openAI(baseURL: $0, model: name, apiKey: environment["CHORUS_TEST_OPENAI_API_KEY"]) }
        case "anthropic":
            return environment["CHORUS_TEST_ANTHROPIC_BASE_URL"].map {
                Providers.anthropic(baseURL: $0, model: name, apiKey: environment["CHORUS_TEST_ANTHROPIC_API_KEY"])
            }
        default: return nil
        }
    }
}

import ChorusGraph
