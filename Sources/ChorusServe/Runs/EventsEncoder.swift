import ChorusGraph

/// The `events` stream mode: run events as LangChain's `astream_events` v2
/// dicts (`on_chain_start`, `on_chat_model_stream`, …), stamped with the run,
/// the emitting node and its parents.
struct EventsEncoder {
    private let graphId: String
    private let runMembers: [String: Value]

    init(run: ServedRun) {
        graphId = run.assistant.graphId
        runMembers = ["thread_id": .string(run.threadId), "run_id": .string(run.id), "graph_id": .string(run.assistant.graphId),
                      "assistant_id": .string(run.assistant.assistantId)]
    }

    /// The event's SSE name (`events`, or `events|ns` inside subgraphs) and data.
    func frame(for event: RunEvent, subgraphs: Bool) -> (event: String, data: String) {
        let name: String
        let data: Value
        var emitter = event.node ?? graphId
        switch event.kind {
        case .runStart: (name, data) = ("on_chain_start", .object(["input": .null]))
        case .runEnd(let output): (name, data) = ("on_chain_end", .object(["output": WireMessage.state(output)]))
        case .runError(let message): (name, data) = ("on_chain_error", .object(["error": .string(message)]))
        case .nodeStart: (name, data) = ("on_chain_start", .object([:]))
        case .nodeEnd: (name, data) = ("on_chain_end", .object([:]))
        case .nodeError(let message): (name, data) = ("on_chain_error", .object(["error": .string(message)]))
        case .nodeRetry(let attempt, let maxAttempts, let delay, let reason):
            emitter = "node_retry"
            (name, data) = ("on_custom_event", .object(["attempt": .int(attempt), "max_attempts": .int(maxAttempts),
                                                         "delay": .double(delay), "reason": .string(reason)]))
        case .modelStart(let model):
            emitter = model
            (name, data) = ("on_chat_model_start", .object(["input": .object([:])]))
        case .token(let text, let messageId):
            emitter = "model"
            (name, data) = ("on_chat_model_stream", .object(["chunk": WireMessage.chunk(id: messageId, content: text, isLast: false)]))
        case .modelEnd(let usage):
            emitter = "model"
            let counts: Value = usage.map {
                .object(["input_tokens": $0.inputTokens.map(Value.int) ?? .null, "output_tokens": $0.outputTokens.map(Value.int) ?? .null])
            } ?? .null
            (name, data) = ("on_chat_model_end", .object(["output": .object(["usage_metadata": counts])]))
        case .modelRetry(let attempt, let maxAttempts, let delay, let reason):
            emitter = "retry"
            (name, data) = ("on_custom_event", .object(["attempt": .int(attempt), "max_attempts": .int(maxAttempts),
                                                         "delay": .double(delay), "reason": .string(reason)]))
        case .toolStart(let tool, let input):
            emitter = tool
            (name, data) = ("on_tool_start", .object(["input": input]))
        case .toolEnd(let tool, let output):
            emitter = tool
            (name, data) = ("on_tool_end", .object(["output": output]))
        case .custom(let value):
            emitter = "custom"
            (name, data) = ("on_custom_event", value)
        }
        var metadata = runMembers
        if let node = event.node { metadata["langgraph_node"] = .string(node) }
        if let step = event.step { metadata["langgraph_step"] = .int(step) }
        let ns = event.namespace.joined(separator: "|")
        metadata["langgraph_checkpoint_ns"] = .string(ns)
        let body: Value = .object([
            "event": .string(name), "name": .string(emitter), "run_id": .string(event.id), "data": data,
            "tags": .array(event.tags.map(Value.string)), "metadata": .object(metadata),
            "parent_ids": .array(event.parentIds.map(Value.string)),
        ])
        let suffix = subgraphs && !event.namespace.isEmpty ? "|" + ns : ""
        return ("events" + suffix, JSON.serialize(body, sortKeys: false))
    }
}
