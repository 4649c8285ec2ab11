import ChorusGraph

/// Chat Completions stream events as OpenAI sends them, for loopback servers
/// that play a provider (`LoopbackHTTPServer.sse`).
public enum OpenAIStreamBytes {
    /// One content delta.
    public static func chunk(_ text: String) -> String {
        "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\(JSON.serialize(.string(text)))},\"finish_reason\":null}]}\n\n"
    }

    /// The end of a reply: finish reason, usage (7 in, 2 out), `[DONE]`.
    public static let end = [
        "data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n",
        "data: {\"id\":\"c1\",\"choices\":[],\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":2,\"total_tokens\":9}}\n\n",
        "data: [DONE]\n\n",
    ]

    /// A reply that calls tools: one delta per call (id, name, arguments as
    /// JSON text), then finish reason `tool_calls` and `[DONE]`.
    public static func toolCalls(_ calls: [(id: String, name: String, arguments: String)]) -> [String] {
        calls.enumerated().map { index, call in
            let delta: Value = ["tool_calls": [["index": .int(index), "id": .string(call.id), "type": "function",
                                                "function": ["name": .string(call.name), "arguments": .string(call.arguments)]]]]
            return "data: " + JSON.serialize(["choices": [["index": 0, "delta": delta]]]) + "\n\n"
        } + ["data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}\n\n", "data: [DONE]\n\n"]
    }
}
