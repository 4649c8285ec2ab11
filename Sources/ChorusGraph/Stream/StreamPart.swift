/// One item of a run's stream.
public struct StreamPart: Sendable {
    /// `[]` for the root graph, `["node:<task id>", …]` inside subgraphs.
    public let namespace: [String]
    /// Superstep path: the root graph's step, then each subgraph's own step.
    public let steps: [Int]
    public let payload: StreamPayload

    /// The mode this part belongs to.
    public var mode: StreamMode { payload.mode }
}

/// The typed data of a stream part.
public enum StreamPayload: Sendable {
    /// Full state (plus `__interrupt__` when the run stopped on interrupts).
    case values(Value)
    /// `{node: update or null}`, `{"__interrupt__": [...]}` or a replayed
    /// update tagged `"__metadata__": {"cached": true}`.
    case updates(Value)
    /// A token chunk or a whole message, with the node and step that produced it.
    case message(StreamedMessage, MessageMetadata)
    /// A value a node wrote with its stream writer.
    case custom(Value)
    /// `{"type": "task" | "task_result" | "checkpoint", "step", "payload"}`.
    case debug(Value)

    public var mode: StreamMode {
        switch self {
        case .values: return .values
        case .updates: return .updates
        case .message: return .messages
        case .custom: return .custom
        case .debug: return .debug
        }
    }
}

/// A message in the `messages` stream.
public enum StreamedMessage: Sendable, Equatable {
    /// A token chunk of an AI message being generated; `isLast` on the final chunk,
    /// which carries the model call's token counts when known (LangChain's `usage_metadata`).
    case chunk(id: String, content: String, isLast: Bool, usage: Value? = nil)
    /// A whole message a node wrote into state.
    case whole(Value)

    /// The message id.
    public var id: String {
        switch self {
        case .chunk(let id, _, _, _): return id
        case .whole(let m): return m["id"]?.stringValue ?? ""
        }
    }

    /// JSON form: `{"type": "AIMessageChunk", "content", "id"}` for chunks, the message for whole ones.
    public var asValue: Value {
        switch self {
        case .chunk(let id, let content, let isLast, let usage):
            var o: [String: Value] = ["type": "AIMessageChunk", "content": .string(content), "id": .string(id)]
            if isLast { o["chunk_position"] = "last" }
            if let usage { o["usage_metadata"] = usage }
            return .object(o)
        case .whole(let m): return m
        }
    }
}

/// Where a streamed message came from.
public struct MessageMetadata: Sendable, Equatable {
    /// The node whose task produced it (`langgraph_node`).
    public let node: String
    /// The superstep of that node's graph (`langgraph_step`).
    public let step: Int
    /// The task's attempt (1 for the first). When a later attempt of the
    /// same node and step streams, the earlier attempt's chunks are void.
    public let attempt: Int
    /// The id of that task; `node:task` is its checkpoint namespace (`langgraph_checkpoint_ns`),
    /// which tells apart the tasks of one node streaming side by side (`Send` branches).
    public let task: String

    init(node: String, step: Int, attempt: Int = 1, task: String) {
        self.node = node
        self.step = step
        self.attempt = attempt
        self.task = task
    }
}
