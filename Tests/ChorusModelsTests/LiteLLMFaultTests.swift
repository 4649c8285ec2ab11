import ChorusGraph
import ChorusModels
import Foundation
import Testing

/// Retries and typed errors against a real LiteLLM proxy whose models fail on
/// purpose (shared/llm-servers `start-litellm`); skipped when it is not running.
@Suite(.enabled(if: LiteLLM.baseURL != nil, "the LiteLLM proxy is not running (see scripts/test.sh)"),
       .timeLimit(.minutes(2)), .serialized)
struct LiteLLMFaultTests {
    static let quick = RequestRetryPolicy(maxAttempts: 3, baseDelay: 0.05, maxDelay: 0.2)

    func ask(_ model: String, retry: RequestRetryPolicy = quick, client: ProviderHTTPClient = .shared) async -> (String, (any Error)?) {
        let provider = Providers.openAI(baseURL: LiteLLM.baseURL!, model: model, apiKey: LiteLLM.key, client: client, retry: retry)
        do {
            let reply = try await provider.invoke(ChatRequest(messages: [ChatMessage(role: .user, content: "Say hi.", id: "u")], maxTokens: 8, temperature: 0))
            return (reply.text, nil)
        } catch {
            return ("", error)
        }
    }

    @Test func theRealModelStreamsThroughTheProxyOnBothProtocols() async throws {
        let (text, error) = await ask(LiteLLM.model)
        #expect(error == nil)
        #expect(!text.isEmpty)
        let anthropic = Providers.anthropic(baseURL: LiteLLM.anthropicBaseURL!, model: LiteLLM.model, apiKey: LiteLLM.key)
        let reply = try await anthropic.invoke(ChatRequest(messages: [ChatMessage(role: .user, content: "Say hi.", id: "u")], maxTokens: 8, temperature: 0))
        #expect(!reply.text.isEmpty)
    }

    @Test func faultsBecomeTypedErrorsAfterRetries() async throws {
        guard case .rateLimited? = await ask("faulty-429").1 as? ChatProviderError else {
            Issue.record("faulty-429 should end rate limited"); return
        }
        guard case .http(_, 500, _)? = await ask("faulty-500").1 as? ChatProviderError else {
            Issue.record("faulty-500 should end with HTTP 500"); return
        }
        guard case .contextOverflow? = await ask("faulty-context").1 as? ChatProviderError else {
            Issue.record("faulty-context should be a context overflow"); return
        }
        guard case .http(_, 529, _)? = await ask("faulty-midstream").1 as? ChatProviderError else {
            Issue.record("faulty-midstream should end with HTTP 529"); return
        }
    }

    @Test func aFlakyModelSucceedsWithRetries() async throws {
        let (text, error) = await ask("flaky", retry: RequestRetryPolicy(maxAttempts: 12, baseDelay: 0.05, maxDelay: 0.2))
        #expect(error == nil)
        #expect(!text.isEmpty)
    }

    @Test func aSlowFirstByteWaitsOrTimesOut() async throws {
        let (text, error) = await ask("slow")
        #expect(error == nil)
        #expect(text == "This is a slow canned answer.")
        let impatient = ProviderHTTPClient(timeouts: .init(connect: .seconds(2), read: .milliseconds(800)))
        let (_, timeout) = await ask("slow", retry: .none, client: impatient)
        #expect(timeout as? ChatProviderError == .connection(provider: "openai", detail: "no data from the server for too long"))
    }
}

enum LiteLLM {
    static let environment = ProcessInfo.processInfo.environment
    static var baseURL: String? { environment["CHORUS_TEST_LITELLM_BASE_URL"] }
    static var anthropicBaseURL: String? { environment["CHORUS_TEST_LITELLM_ANTHROPIC_BASE_URL"] }
    static var key: String? { environment["CHORUS_TEST_LITELLM_API_KEY"] }
    static var model: String { environment["CHORUS_TEST_LITELLM_MODEL"] ?? "smollm2" }
}
