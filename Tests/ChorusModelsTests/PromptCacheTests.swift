import ChorusGraph
import ChorusModels
import ChorusTesting
import Testing

/// Prompt caching on the wire: Anthropic's `cache_control` marks in the exact
/// request body a recording loopback server received, and the cached and
/// reasoning tokens each provider reports, read into `Usage` and priced.
@Suite(.timeLimit(.minutes(1))) struct PromptCacheTests {
    static let conversation = [
        ChatMessage(role: .system, content: "You are terse.", id: "s"),
        ChatMessage(role: .user, content: "first question", id: "u1"),
        ChatMessage(role: .assistant, content: "first answer", id: "a1"),
        ChatMessage(role: .user, content: "second question", id: "u2"),
    ]

    static func anthropicEvents(input: Int, cacheRead: Int, cacheWrite: Int, output: Int) -> [String] {
        [
            "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"m\",\"usage\":{\"input_tokens\":\(input),"
                + "\"cache_read_input_tokens\":\(cacheRead),\"cache_creation_input_tokens\":\(cacheWrite),\"output_tokens\":1}}}\n\n",
            "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"ok\"}}\n\n",
            "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":\(output)}}\n\n",
            "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n",
        ]
    }

    @Test func anthropicMarksTheSystemPromptAndTheHistoryForItsCache() async throws {
        let server = try await LoopbackHTTPServer()
        defer { Task { await server.shutdown() } }
        server.enqueue(LoopbackHTTPServer.sse(Self.anthropicEvents(input: 5, cacheRead: 900, cacheWrite: 40, output: 3)))
        let model = Providers.anthropic(baseURL: server.baseURL, model: "claude-test", apiKey: "k")
        let reply = try await model.invoke(ChatRequest(messages: Self.conversation))
        let body = try JSON.parse(try #require(server.requests.first).body)
        #expect(body["system"] == [["type": "text", "text": "You are terse.", "cache_control": ["type": "ephemeral"]]])
        #expect(body["messages"] == [
            ["role": "user", "content": "first question"],
            ["role": "assistant", "content": "first answer"],
            ["role": "user", "content": [["type": "text", "text": "second question", "cache_control": ["type": "ephemeral"]]]],
        ])
        // Anthropic counts cache reads and writes apart; LangChain's input_tokens is all three.
        #expect(reply.usage == Usage(inputTokens: 945, outputTokens: 3, cachedInputTokens: 900))
    }

    @Test func aToolResultTurnCarriesTheMarkOnItsBlock() async throws {
        let server = try await LoopbackHTTPServer()
        defer { Task { await server.shutdown() } }
        server.enqueue(LoopbackHTTPServer.sse(Self.anthropicEvents(input: 5, cacheRead: 0, cacheWrite: 0, output: 1)))
        let call = ToolCall(id: "t1", name: "clock", arguments: [:])
        let messages = [ChatMessage(role: .user, content: "time?", id: "u"), ChatMessage(role: .assistant, content: "", id: "a", toolCalls: [call]),
                        ChatMessage(role: .tool, content: "noon", id: "t", toolCallId: "t1")]
        _ = try await Providers.anthropic(baseURL: server.baseURL, model: "claude-test", apiKey: "k").invoke(ChatRequest(messages: messages))
        let body = try JSON.parse(try #require(server.requests.first).body)
        #expect(body["messages"]?.arrayValue?.last == ["role": "user", "content": [
            ["type": "tool_result", "tool_use_id": "t1", "content": "noon", "cache_control": ["type": "ephemeral"]],
        ]])
        #expect(body["system"] == nil)
    }

    @Test func promptCacheOffSendsNoMarks() async throws {
        let server = try await LoopbackHTTPServer()
        defer { Task { await server.shutdown() } }
        server.enqueue(LoopbackHTTPServer.sse(Self.anthropicEvents(input: 5, cacheRead: 0, cacheWrite: 0, output: 1)))
        var model = Providers.anthropic(baseURL: server.baseURL, model: "claude-test", apiKey: "k")
        model.settings.promptCache = false
        _ = try await model.invoke(ChatRequest(messages: Self.conversation))
        let body = try JSON.parse(try #require(server.requests.first).body)
        #expect(body["system"] == "You are terse.")
        #expect(body["messages"]?.arrayValue?.last == ["role": "user", "content": "second question"])
        #expect(!JSON.serialize(body).contains("cache_control"))
    }

    @Test func openAIReportsCachedAndReasoningTokensAndSendsNoMarks() async throws {
        let server = try await LoopbackHTTPServer()
        defer { Task { await server.shutdown() } }
        let usage = "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":1200,\"completion_tokens\":300,"
            + "\"prompt_tokens_details\":{\"cached_tokens\":1024},\"completion_tokens_details\":{\"reasoning_tokens\":256}}}\n\n"
        server.enqueue(LoopbackHTTPServer.sse([OpenAIStreamBytes.chunk("ok"), "data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n",
                                               usage, "data: [DONE]\n\n"]))
        let model = Providers.openAI(baseURL: server.baseURL + "/v1", model: "o-test", apiKey: "k")
        let reply = try await model.invoke(ChatRequest(messages: Self.conversation))
        #expect(reply.usage == Usage(inputTokens: 1200, outputTokens: 300, cachedInputTokens: 1024, reasoningTokens: 256))
        #expect(!(try #require(server.requests.first).body.contains("cache_control")))
    }

    @Test func cachedTokensCostTheCachedPriceElseTheInputPrice() {
        let usage = Usage(inputTokens: 1_000_000, outputTokens: 100_000, cachedInputTokens: 800_000)
        #expect(abs(ModelPrices(input: 3, output: 15, cachedInput: 0.3).cost(of: usage) - 2.34) < 1e-12)
        #expect(ModelPrices(input: 3, output: 15).cost(of: usage) == 3 + 1.5)
    }

    @Test func usageMetadataKeepsTheDetailsLangChainNamesThem() {
        let usage = Usage(inputTokens: 10, outputTokens: 4, cachedInputTokens: 6, reasoningTokens: 2)
        #expect(usage.metadata == ["input_tokens": 10, "output_tokens": 4, "total_tokens": 14,
                                   "input_token_details": ["cache_read": 6], "output_token_details": ["reasoning": 2]])
        #expect(Usage(metadata: usage.metadata) == usage)
        #expect(Usage(inputTokens: 1, outputTokens: 1).metadata == ["input_tokens": 1, "output_tokens": 1, "total_tokens": 2])
    }

    @Test func countsNoServerSendsAreKeptInBoundsNotTrappedOn() async throws {
        let server = try await LoopbackHTTPServer()
        defer { Task { await server.shutdown() } }
        server.enqueue(LoopbackHTTPServer.sse(Self.anthropicEvents(input: Int.max, cacheRead: Int.max, cacheWrite: -5, output: Int.max)))
        let reply = try await Providers.anthropic(baseURL: server.baseURL, model: "claude-test", apiKey: "k").invoke(ChatRequest(messages: Self.conversation))
        #expect(reply.usage == Usage(inputTokens: 1_000_000_000_000, outputTokens: 1_000_000_000_000, cachedInputTokens: 1_000_000_000_000))
        #expect(Usage(inputTokens: -3, outputTokens: 2).inputTokens == 0)
    }
}
