import ChorusAgents
import ChorusGraph
import ChorusModels
import ChorusTesting
import Testing

@Suite(.timeLimit(.minutes(1))) struct ReactAgentTests {
    @Test func toolCallsRunConcurrentlyUnderTheLimitAndFeedTheModel() async throws {
        let calls = (1...4).map { ToolCall(id: "c\($0)", name: "square", arguments: ["x": .int($0)]) }
        let model = ReplayChatModel([
            calls.map { .toolCall($0) } + [.toolCall(ToolCall(id: "c9", name: "missing", arguments: [:])), .finish(.toolCalls)],
            [.text("squares are 1, 4, 9, 16"), .finish(.stop)],
        ])
        let gate = ConcurrencyGate(width: 2, total: 4)
        let square = AgentTool(name: "square", description: "x squared", parameters: ["type": "object"]) { args in
            await gate.pass()
            let x = args["x"]?.intValue ?? 0
            return String(x * x)
        }
        let agent = try ReactAgent.make(model: model, tools: [square])
        let result = try await agent.invoke(StateUpdate { $0.messages = [ChatMessage(role: .user, content: "square 1 to 4", id: "u")] },
                                            config: RunConfig(maxConcurrency: 2))
        let messages = try result.state.messages
        #expect(messages.map(\.role) == [.user, .assistant, .tool, .tool, .tool, .tool, .tool, .assistant])
        #expect(messages[2...5].map(\.content) == ["1", "4", "9", "16"])
        #expect(messages[6].content.hasPrefix("Error: missing is not a valid tool"))
        #expect(messages.last?.content == "squares are 1, 4, 9, 16")
        #expect(gate.peak == 2)
        let second = try #require(model.asked.withLock { $0.last })
        #expect(second.tools.map(\.name) == ["square"])
        #expect(second.messages.filter { $0.role == .tool }.map(\.toolCallId) == ["c1", "c2", "c3", "c4", "c9"])
    }
}

/// Tool-call deltas assembled from the wire, both protocols.
@Suite(.timeLimit(.minutes(1))) struct ToolCallWireTests {
    @Test func openAIToolCallDeltasAreAssembled() async throws {
        let server = try await LoopbackHTTPServer()
        defer { Task { await server.shutdown() } }
        server.enqueue(LoopbackHTTPServer.sse([
            "data: {\"choices\":[{\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_a\",\"type\":\"function\",\"function\":{\"name\":\"weather\",\"arguments\":\"\"}}]}}]}\n\n",
            "data: {\"choices\":[{\"delta\":{\"tool_calls\":[{\"index\":1,\"id\":\"call_b\",\"function\":{\"name\":\"time\",\"arguments\":\"{}\"}}]}}]}\n\n",
            "data: {\"choices\":[{\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"city\\\":\"}}]}}]}\n\n",
            "data: {\"choices\":[{\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"\\\"Oslo\\\"}\"}}]}}]}\n\n",
            "data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"tool_calls\"}]}\n\n", "data: [DONE]\n\n",
        ]))
        let model = Providers.openAI(baseURL: server.baseURL + "/v1", model: "m", apiKey: nil)
        let tool = ToolSpec(name: "weather", description: "w", parameters: ["type": "object"])
        let reply = try await model.invoke(ChatRequest(messages: [ChatMessage(role: .user, content: "x", id: "u")], tools: [tool]))
        #expect(reply.toolCalls == [ToolCall(id: "call_a", name: "weather", arguments: ["city": "Oslo"]),
                                    ToolCall(id: "call_b", name: "time", arguments: [:])])
        #expect(reply.finishReason == .toolCalls)
        let body = try JSON.parse(try #require(server.requests.first).body)
        #expect(body["tools"]?.arrayValue?.first?["function"]?["name"] == "weather")
    }

    @Test func anthropicToolUseBlocksAreAssembled() async throws {
        let server = try await LoopbackHTTPServer()
        defer { Task { await server.shutdown() } }
        server.enqueue(LoopbackHTTPServer.sse([
            "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"usage\":{\"input_tokens\":5}}}\n\n",
            "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"weather\",\"input\":{}}}\n\n",
            "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"city\\\": \\\"Li\"}}\n\n",
            "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"ma\\\"}\"}}\n\n",
            "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n",
            "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\"},\"usage\":{\"output_tokens\":9}}\n\n",
            "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n",
        ]))
        let model = Providers.anthropic(baseURL: server.baseURL, model: "c", apiKey: "k")
        let history = [ChatMessage(role: .user, content: "x", id: "u"),
                       ChatMessage(role: .assistant, content: "", id: "a", toolCalls: [ToolCall(id: "toolu_0", name: "time", arguments: [:])]),
                       ChatMessage(role: .tool, content: "noon", id: "t", toolCallId: "toolu_0")]
        let reply = try await model.invoke(ChatRequest(messages: history, tools: [ToolSpec(name: "weather", description: "w", parameters: ["type": "object"])]))
        #expect(reply.toolCalls == [ToolCall(id: "toolu_1", name: "weather", arguments: ["city": "Lima"])])
        #expect(reply.finishReason == .toolCalls)
        let sent = try JSON.parse(try #require(server.requests.first).body)
        #expect(sent["messages"]?.arrayValue?[1]["content"]?.arrayValue?.first?["type"] == "tool_use")
        #expect(sent["messages"]?.arrayValue?[2]["content"]?.arrayValue?.first?["tool_use_id"] == "toolu_0")
        #expect(sent["tools"]?.arrayValue?.first?["input_schema"] == ["type": "object"])
    }
}
