import ChorusGraph

/// A request's size in tokens without a tokenizer: about four bytes a token,
/// and a few tokens a message for its role and framing. Close enough to plan
/// with (compaction calibrates it by what the provider reports).
public enum TokenEstimate {
    public static func of(_ messages: [ChatMessage]) -> Int {
        messages.reduce(0) { $0 + of($1) }
    }

    public static func of(_ message: ChatMessage) -> Int {
        let calls = message.toolCalls.isEmpty ? 0 : message.toolCalls.reduce(0) { $0 + $1.name.utf8.count + JSON.serialize($1.arguments).utf8.count }
        return (message.content.utf8.count + calls + 3) / 4 + 4
    }
}
