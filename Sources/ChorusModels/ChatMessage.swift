import ChorusGraph

/// A message of a conversation, as providers see it.
public struct ChatMessage: Sendable, Equatable {
    public enum Role: String, Sendable {
        case system, user, assistant, tool
    }

    public var role: Role
    public var content: String
    public var id: String
    /// Tool calls an assistant message asks for.
    public var toolCalls: [ToolCall]
    /// For a tool message: the call it answers.
    public var toolCallId: String?

    public init(role: Role, content: String, id: String, toolCalls: [ToolCall] = [], toolCallId: String? = nil) {
        self.role = role
        self.content = content
        self.id = id
        self.toolCalls = toolCalls
        self.toolCallId = toolCallId
    }

    /// The engine's message value: `{"type": "human"|"ai"|"system"|"tool", "content", "id", …}`.
    public var value: Value {
        var o: [String: Value] = ["type": .string(Self.engineType[role]!), "content": .string(content), "id": .string(id)]
        if !toolCalls.isEmpty { o["tool_calls"] = .array(toolCalls.map(\.value)) }
        if let toolCallId { o["tool_call_id"] = .string(toolCallId) }
        return .object(o)
    }

    /// Reads an engine message value; nil when it is not a message.
    public init?(value: Value) {
        guard MessageList.isMessage(value), let type = value["type"]?.stringValue,
            let role = Self.engineType.first(where: { $0.value == type })?.key ?? (type == "AIMessageChunk" ? .assistant : nil)
        else { return nil }
        let content: String
        switch value["content"] {
        case .string(let s)?: content = s
        case .array(let parts)?: content = parts.compactMap { $0["text"]?.stringValue }.joined()
        default: content = ""
        }
        self.init(role: role, content: content, id: value["id"]?.stringValue ?? "",
                  toolCalls: (value["tool_calls"]?.arrayValue ?? []).compactMap(ToolCall.init(value:)),
                  toolCallId: value["tool_call_id"]?.stringValue)
    }

    static let engineType: [Role: String] = [.system: "system", .user: "human", .assistant: "ai", .tool: "tool"]

    /// A LangChain message's `content` as text: a string, or the strings and
    /// `text` blocks of a list of content blocks.
    public static func text(ofContent content: Value?) -> String {
        if let text = content?.stringValue { return text }
        return (content?.arrayValue ?? []).compactMap { block in
            block.stringValue ?? (block["type"]?.stringValue == "text" ? block["text"]?.stringValue : nil)
        }.joined()
    }
}

/// A call to a tool requested by the model.
public struct ToolCall: Sendable, Equatable {
    public var id: String
    public var name: String
    /// The arguments, as the JSON object the model produced.
    public var arguments: Value

    public init(id: String, name: String, arguments: Value) {
        self.id = id
        self.name = name
        self.arguments = arguments
    }

    var value: Value { .object(["id": .string(id), "name": .string(name), "args": arguments]) }

    init?(value: Value) {
        guard let id = value["id"]?.stringValue, let name = value["name"]?.stringValue else { return nil }
        self.init(id: id, name: name, arguments: value["args"] ?? .object([:]))
    }
}
