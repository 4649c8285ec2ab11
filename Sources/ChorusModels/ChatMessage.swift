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
    /// For an assistant reply: whether it came to its end or was stopped.
    public var status: ReplyStatus
    /// For an assistant reply: the tokens its model call took, when the provider said
    /// (kept as LangChain's `usage_metadata`, so a server keeps it too).
    public var usage: Usage?
    /// What that model call cost in US dollars, from the model's configured prices
    /// (`cost_usd`; on a LangChain server `response_metadata.chorus_cost_usd`).
    public var costUSD: Double?
    /// For a compaction marker (a `system` message): the earlier messages it
    /// stands for; its content is their summary (empty when they were trimmed).
    public var compaction: Compaction?

    public init(role: Role, content: String, id: String, toolCalls: [ToolCall] = [], toolCallId: String? = nil, status: ReplyStatus = .complete,
                usage: Usage? = nil, compaction: Compaction? = nil, costUSD: Double? = nil) {
        self.role = role
        self.content = content
        self.id = id
        self.toolCalls = toolCalls
        self.toolCallId = toolCallId
        self.status = status
        self.usage = usage
        self.compaction = compaction
        self.costUSD = costUSD
    }

    /// The engine's message value: `{"type": "human"|"ai"|"system"|"tool", "content", "id", …}`.
    public var value: Value {
        var o: [String: Value] = ["type": .string(Self.engineType[role]!), "content": .string(content), "id": .string(id)]
        if !toolCalls.isEmpty { o["tool_calls"] = .array(toolCalls.map(\.value)) }
        if let toolCallId { o["tool_call_id"] = .string(toolCallId) }
        if let usage { o["usage_metadata"] = usage.metadata }
        if let compaction { o["compaction"] = compaction.value }
        if let costUSD { o["cost_usd"] = .double(costUSD) }
        switch status {
        case .complete: break
        case .cancelled: o["status"] = "cancelled"
        case .failed(let error): (o["status"], o["error"]) = ("failed", .string(error))
        }
        return .object(o)
    }

    /// The message as a LangChain server keeps it: LangChain drops keys a
    /// message type does not declare, so a stopped reply's status (and error)
    /// a compaction and a cost go in `response_metadata` (`chorus_status`,
    /// `chorus_error`, `chorus_compaction`, `chorus_cost_usd`) instead.
    public var langChainValue: Value {
        guard case .object(var o) = value else { return value }
        var metadata: [String: Value] = [:]
        if let status = o.removeValue(forKey: "status") { metadata["chorus_status"] = status }
        if let error = o.removeValue(forKey: "error") { metadata["chorus_error"] = error }
        if let compaction = o.removeValue(forKey: "compaction") { metadata["chorus_compaction"] = compaction }
        if let cost = o.removeValue(forKey: "cost_usd") { metadata["chorus_cost_usd"] = cost }
        if !metadata.isEmpty { o["response_metadata"] = .object(metadata) }
        return .object(o)
    }

    /// Reads a message as the engine, a store or a LangGraph server keeps it
    /// (`type`, or a LangChain dict's `role`); nil when it is not a message.
    /// Content blocks read as their text (`text(ofContent:)`).
    public init?(value: Value) {
        guard case .object(let fields) = value, fields["content"] != nil,
              let role = fields["type"]?.stringValue.flatMap(Self.role(ofType:)) ?? fields["role"]?.stringValue.flatMap(Self.role(ofLangChainRole:))
        else { return nil }
        self.init(role: role, content: Self.text(ofContent: fields["content"]), id: value["id"]?.stringValue ?? "",
                  toolCalls: (value["tool_calls"]?.arrayValue ?? []).compactMap(ToolCall.init(value:)),
                  toolCallId: value["tool_call_id"]?.stringValue, status: ReplyStatus(saved: value), usage: Usage(metadata: value["usage_metadata"]),
                  compaction: Compaction(value: value["compaction"] ?? value["response_metadata"]?["chorus_compaction"]),
                  costUSD: (value["cost_usd"] ?? value["response_metadata"]?["chorus_cost_usd"])?.doubleValue)
    }

    static let engineType: [Role: String] = [.system: "system", .user: "human", .assistant: "ai", .tool: "tool"]

    /// LangChain's name for the message's type: `human`, `ai`, `system` or `tool`.
    public var type: String { Self.engineType[role]! }

    private static func role(ofType type: String) -> Role? {
        engineType.first { $0.value == type }?.key ?? (type == "AIMessageChunk" ? .assistant : nil)
    }

    /// A LangChain dict's `role`: `user`, `assistant` and their aliases.
    private static func role(ofLangChainRole role: String) -> Role? {
        switch role {
        case "user", "human": .user
        case "assistant", "ai": .assistant
        case "system", "developer": .system
        case "tool": .tool
        default: nil
        }
    }

    /// The messages among `values`, in order; values that are not messages are left out.
    public static func messages(_ values: [Value]) -> [ChatMessage] { values.compactMap(ChatMessage.init(value:)) }

    /// A LangChain message's `content` as text: a string, or the strings and
    /// `text` blocks of a list of content blocks.
    public static func text(ofContent content: Value?) -> String {
        if let text = content?.stringValue { return text }
        return (content?.arrayValue ?? []).compactMap { block in
            block.stringValue ?? (block["type"]?.stringValue == "text" ? block["text"]?.stringValue : nil)
        }.joined()
    }
}

extension ChatMessage: StateValue {
    /// Reads a message of a graph's message list; throws for a value that is not a message.
    public init(stateValue: Value) throws {
        guard let message = ChatMessage(value: stateValue) else { throw GraphError(.typeError, "expected a message, got \(stateValue)") }
        self = message
    }

    public var stateValue: Value { value }
}

/// Whether an assistant reply came to its end. A stopped reply is kept with
/// what arrived, marked `"status": "cancelled"` or `"failed"` (with `"error"`).
public enum ReplyStatus: Sendable, Equatable {
    case complete
    case cancelled
    case failed(String)

    /// From a saved message: `status` as the engine keeps it, or
    /// `response_metadata.chorus_status` as a LangChain server does (`langChainValue`).
    init(saved message: Value) {
        let metadata = message["response_metadata"]
        switch (message["status"] ?? metadata?["chorus_status"])?.stringValue {
        case "cancelled": self = .cancelled
        case "failed": self = .failed((message["error"] ?? metadata?["chorus_error"])?.stringValue ?? "failed")
        default: self = .complete
        }
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
