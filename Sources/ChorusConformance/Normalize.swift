import ChorusGraph

/// The corpus's normalisations (FORMAT.md §6.3): generated ids dropped,
/// interrupts reduced to `{"value"}`, messages to their §2.5 fields,
/// namespace task ids replaced by `*`.
enum Normalize {
    static func error(_ error: any Error) -> Value {
        .object(["type": .string(ErrorReport.type(of: error)), "message": .string(ErrorReport.message(of: error))])
    }

    static func result(_ result: RunResult) -> Value {
        var values = value(result.values)
        if !result.interrupts.isEmpty {
            var o = values.objectValue ?? [:]
            o["__interrupt__"] = interrupts(result.interrupts.map { .object(["value": $0.value]) })
            values = .object(o)
        }
        return values
    }

    /// Messages and interrupt lists anywhere inside a state-like value.
    static func value(_ v: Value) -> Value {
        switch v {
        case .array(let items): return .array(items.map(value))
        case .object(let o):
            if MessageList.isMessage(v) { return message(v) }
            var out: [String: Value] = [:]
            for (k, x) in o { out[k] = k == "__interrupt__" ? interrupts(x.arrayValue ?? []) : value(x) }
            return .object(out)
        default: return v
        }
    }

    static func interrupts(_ list: [Value]) -> Value {
        .array(list.map { .object(["value": $0["value"] ?? .null]) })
    }

    static func message(_ m: Value) -> Value {
        var out: [String: Value] = [:]
        for key in ["type", "content", "id", "tool_call_id", "chunk_position"] { if let x = m[key] { out[key] = x } }
        return .object(out)
    }

    static func snapshot(_ s: StateSnapshot) -> Value {
        .object([
            "values": value(s.values),
            "next": .array(s.next.map { .string($0) }),
            "tasks": .array(s.tasks.map { task(name: $0.name, interrupts: $0.interrupts.map(\.value), result: $0.result, error: $0.error) }),
            "metadata": s.metadata.map { .object(["source": .string($0.source.rawValue), "step": .int($0.step)]) } ?? .null,
        ])
    }

    static func task(name: String, interrupts: [Value], result: Value?, error: String?) -> Value {
        var o: [String: Value] = ["name": .string(name), "interrupts": .array(interrupts.map { .object(["value": $0]) })]
        if let result { o["result"] = value(result) }
        if let error { o["error"] = .object(["type": "str", "message": .string(error)]) }
        return .object(o)
    }

    static func entry(_ part: StreamPart, multiMode: Bool, subgraphs: Bool) -> Value {
        let data: Value
        switch part.payload {
        case .values(let v), .updates(let v): data = value(v)
        case .custom(let v): data = v
        case .message(let m, let meta):
            data = .array([message(m.asValue), .object(["langgraph_node": .string(meta.node), "langgraph_step": .int(meta.step)])])
        case .debug(let d): data = debug(d)
        }
        var chunk: [Value] = []
        if subgraphs {
            chunk.append(.array(part.namespace.map { ns in .string(ns.split(separator: ":", maxSplits: 1).first.map { "\($0):*" } ?? ns) }))
        }
        if multiMode { chunk.append(.string(part.mode.rawValue)) }
        chunk.append(data)
        return .object(["step": .array(part.steps.map { .int($0) }), "chunk": chunk.count == 1 ? chunk[0] : .array(chunk)])
    }

    static func debug(_ d: Value) -> Value {
        guard var event = d.objectValue, var payload = event["payload"]?.objectValue else { return d }
        // Task ids and triggers are LangGraph's own (§6.3).
        payload["id"] = nil
        payload["triggers"] = nil
        switch event["type"]?.stringValue {
        case "task_result":
            payload["interrupts"] = interrupts(payload["interrupts"]?.arrayValue ?? [])
            payload["result"] = value(payload["result"] ?? .object([:]))
        case "checkpoint":
            payload["values"] = value(payload["values"] ?? .object([:]))
            payload["tasks"] = .array((payload["tasks"]?.arrayValue ?? []).map { t in
                task(name: t["name"]?.stringValue ?? "", interrupts: (t["interrupts"]?.arrayValue ?? []).map { $0["value"] ?? .null },
                     result: t["result"], error: t["error"]?.stringValue)
            })
        case "task":
            payload["input"] = value(payload["input"] ?? .null)
        default: break
        }
        event["payload"] = .object(payload)
        return .object(event)
    }
}
