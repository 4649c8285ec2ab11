import ChorusGraph

/// Turns a run's engine stream into the events LangGraph Platform sends for
/// the modes a client asked for: names (`values`, `messages/partial`, …,
/// `mode|node:task` inside subgraphs) and data shapes as the reference's.
struct StreamEncoder {
    private let modes: Set<WireStreamMode>
    private let subgraphs: Bool
    /// Keys every message's metadata carries (run, thread, graph), as JSON members.
    private let runMembers: String
    /// Metadata JSON by node, step and namespace: computed once, reused per token.
    private var metadataCache: [String: String] = [:]
    /// `messages` mode: message ids already announced, and each one's text so far.
    private var announced: Set<String> = []
    private var accumulated: [String: String] = [:]

    init(run: ServedRun) {
        modes = Set(run.request.streamModes)
        subgraphs = run.request.streamSubgraphs
        let members: [(String, Value)] = [
            ("created_by", "system"), ("graph_id", .string(run.assistant.graphId)),
            ("assistant_id", .string(run.assistant.assistantId)), ("run_attempt", 1), ("thread_id", .string(run.threadId)),
            ("run_id", .string(run.id)), ("user_id", ""),
        ]
        runMembers = members.map { JSON.serialize(.string($0.0)) + ":" + JSON.serialize($0.1) }.joined(separator: ",")
    }

    /// The events for one engine part, in order (often none).
    mutating func frames(for part: StreamPart) -> [(event: String, data: String)] {
        let suffix = subgraphs && !part.namespace.isEmpty ? "|" + part.namespace.joined(separator: "|") : ""
        switch part.payload {
        case .values(let state):
            guard modes.contains(.values) else { return [] }
            return [("values" + suffix, JSON.serialize(WireMessage.state(state), sortKeys: false))]
        case .updates(let updates):
            guard modes.contains(.updates) else { return [] }
            return [("updates" + suffix, JSON.serialize(WireMessage.updates(updates), sortKeys: false))]
        case .custom(let value):
            guard modes.contains(.custom) else { return [] }
            return [("custom" + suffix, JSON.serialize(value, sortKeys: false))]
        case .debug(let entry):
            return debugFrames(entry, suffix: suffix)
        case .message(let message, let origin):
            return messageFrames(message, origin: origin, namespace: part.namespace, suffix: suffix)
        }
    }

    private func debugFrames(_ entry: Value, suffix: String) -> [(event: String, data: String)] {
        var out: [(String, String)] = []
        if modes.contains(.debug) { out.append(("debug" + suffix, JSON.serialize(entry, sortKeys: false))) }
        let type = entry["type"]?.stringValue
        let payload = entry["payload"] ?? .null
        if modes.contains(.tasks), type == "task" || type == "task_result" {
            out.append(("tasks" + suffix, JSON.serialize(payload, sortKeys: false)))
        }
        if modes.contains(.checkpoints), type == "checkpoint" {
            out.append(("checkpoints" + suffix, JSON.serialize(payload, sortKeys: false)))
        }
        return out
    }

    private mutating func messageFrames(_ message: StreamedMessage, origin: MessageMetadata, namespace: [String],
                                        suffix: String) -> [(event: String, data: String)] {
        guard modes.contains(.messagesTuple) || modes.contains(.messages) else { return [] }
        let metadata = metadataJSON(origin, namespace: namespace)
        var out: [(String, String)] = []
        if modes.contains(.messagesTuple) {
            let chunk: String = switch message {
            case .chunk(let id, let content, let isLast, let usage):
                JSON.serialize(WireMessage.chunk(id: id, content: content, isLast: isLast, usage: usage), sortKeys: false)
            case .whole(let value): JSON.serialize(WireMessage.full(value), sortKeys: false)
            }
            out.append(("messages" + suffix, "[" + chunk + "," + metadata + "]"))
        }
        if modes.contains(.messages) {
            let id = message.id
            if announced.insert(id).inserted {
                out.append(("messages/metadata" + suffix, "{" + JSON.serialize(.string(id)) + ":{\"metadata\":" + metadata + "}}"))
            }
            switch message {
            case .chunk(let id, let content, _, _):
                let text = accumulated[id, default: ""] + content
                accumulated[id] = text
                let whole = WireMessage.full(.object(["type": "ai", "content": .string(text), "id": .string(id)]))
                out.append(("messages/partial" + suffix, "[" + JSON.serialize(whole, sortKeys: false) + "]"))
            case .whole(let value):
                out.append(("messages/complete" + suffix, "[" + JSON.serialize(WireMessage.full(value), sortKeys: false) + "]"))
            }
        }
        return out
    }

    /// `{langgraph_node, langgraph_step, …, thread_id, run_id, …}` for a message from `origin`;
    /// `langgraph_attempt` when a retried attempt made it (an earlier attempt's chunks are then void).
    /// Its checkpoint namespace ends with the task's own `node:task`, as LangGraph's does, so
    /// a client tells apart the tasks of one node that stream side by side.
    private mutating func metadataJSON(_ origin: MessageMetadata, namespace: [String]) -> String {
        let ns = (namespace + [origin.node + ":" + origin.task]).joined(separator: "|")
        let key = ns + "\u{0}" + String(origin.step) + "\u{0}" + String(origin.attempt)
        if let cached = metadataCache[key] { return cached }
        let node = Value.string(origin.node)
        var members: [(String, Value)] = [
            ("langgraph_step", .int(origin.step)), ("langgraph_node", node),
            ("langgraph_triggers", .array([.string("branch:to:" + origin.node)])),
            ("langgraph_path", .array(["__pregel_pull", node])), ("langgraph_checkpoint_ns", .string(ns)),
            // The model call's own namespace, as LangGraph's: the task at the root, the subgraph inside one.
            ("checkpoint_ns", .string(namespace.isEmpty ? ns : namespace.joined(separator: "|"))),
        ]
        if origin.attempt > 1 { members.append(("langgraph_attempt", .int(origin.attempt))) }
        let json = "{" + runMembers + "," + members.map { JSON.serialize(.string($0.0)) + ":" + JSON.serialize($0.1) }.joined(separator: ",") + "}"
        metadataCache[key] = json
        return json
    }
}
