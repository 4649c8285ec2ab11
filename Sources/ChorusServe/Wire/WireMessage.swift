import ChorusGraph

/// Messages as LangChain serializes them on the wire: the engine keeps
/// `{"type", "content", "id", …}` and clients expect every field present.
enum WireMessage {
    /// A whole message with LangChain's default fields filled in.
    static func full(_ message: Value) -> Value {
        guard case .object(var o) = message else { return message }
        let type = o["type"]?.stringValue ?? ""
        o["additional_kwargs"] = o["additional_kwargs"] ?? .object([:])
        o["response_metadata"] = o["response_metadata"] ?? .object([:])
        o["name"] = o["name"] ?? .null
        o["id"] = o["id"] ?? .null
        if type == "ai" || type == "AIMessageChunk" {
            o["tool_calls"] = .array((o["tool_calls"]?.arrayValue ?? []).map(toolCall))
            o["invalid_tool_calls"] = o["invalid_tool_calls"] ?? .array([])
            o["usage_metadata"] = o["usage_metadata"] ?? .null
        }
        if type == "tool" {
            o["status"] = o["status"] ?? "success"
            o["artifact"] = o["artifact"] ?? .null
        }
        return .object(o)
    }

    private static func toolCall(_ call: Value) -> Value {
        guard case .object(var o) = call else { return call }
        o["type"] = "tool_call"
        o["args"] = o["args"] ?? .object([:])
        return .object(o)
    }

    /// A streamed chunk of an AI message, as LangChain's `AIMessageChunk`.
    static func chunk(id: String, content: String, isLast: Bool, usage: Value? = nil) -> Value {
        .object([
            "content": .string(content), "additional_kwargs": .object([:]), "response_metadata": .object([:]), "type": "AIMessageChunk",
            "name": .null, "id": .string(id), "tool_calls": .array([]), "invalid_tool_calls": .array([]), "usage_metadata": usage ?? .null,
            "tool_call_chunks": .array([]), "chunk_position": isLast ? "last" : .null,
        ])
    }

    /// A state (or an update) with every list of messages in wire form.
    static func state(_ values: Value) -> Value {
        guard case .object(let o) = values else { return values }
        return .object(o.mapValues { value in
            if let list = value.arrayValue, !list.isEmpty, list.allSatisfy(MessageList.isMessage) { return .array(list.map(full)) }
            if MessageList.isMessage(value) { return full(value) }
            return value
        })
    }

    /// `{node: update}` with each update's messages in wire form.
    static func updates(_ updates: Value) -> Value {
        guard case .object(let o) = updates else { return updates }
        return .object(o.mapValues { $0.objectValue != nil ? state($0) : $0 })
    }
}
