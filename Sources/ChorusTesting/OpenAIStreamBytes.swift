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
}
