import ChorusGraph

/// Builds an engine graph from a scenario's graph description (FORMAT.md §2).
enum ScenarioGraph {
    static func build(_ description: Value, checkpointer: (any Checkpointer)?) throws -> CompiledGraph {
        let graph = try builder(description)
        let compile = description["compile"] ?? .object([:])
        let before = (compile["interrupt_before"]?.arrayValue ?? []).compactMap(\.stringValue)
        let after = (compile["interrupt_after"]?.arrayValue ?? []).compactMap(\.stringValue)
        let cache: (any NodeCache)?
        switch compile["cache"]?.stringValue {
        case nil: cache = nil
        case "memory": cache = InMemoryNodeCache()
        case let other: throw ScenarioError("unknown cache '\(other ?? "")'")
        }
        return try graph.compile(checkpointer: checkpointer, cache: cache, interruptBefore: before, interruptAfter: after)
    }

    static func builder(_ description: Value) throws -> StateGraph {
        var schema = StateSchema()
        guard let state = description["state"]?.objectValue else { throw ScenarioError("graph has no state object") }
        for key in state.keys.sorted() {
            switch state[key]?.stringValue {
            case "overwrite": schema.add(key, .lastValue)
            case "append": schema.add(key, .reducer(.append))
            case "add": schema.add(key, .reducer(.add))
            case "merge": schema.add(key, .reducer(.merge))
            case "messages": schema.add(key, .reducer(.messages))
            default: throw ScenarioError("unknown reducer for key '\(key)': \(state[key]!)")
            }
        }
        var graph = StateGraph(schema)
        for (name, spec) in (description["nodes"]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
            if let sub = spec["subgraph"] {
                graph.addNode(name, subgraph: try builder(sub).compile(), policy: try ScenarioPolicy.parse(spec))
            } else {
                guard let ops = spec.arrayValue ?? spec["ops"]?.arrayValue else {
                    throw ScenarioError("node '\(name)' must be a list of ops, {\"ops\": […], policies…} or a subgraph")
                }
                let program = try ops.map(ScenarioOp.init)
                graph.addNode(name, policy: try ScenarioPolicy.parse(spec)) { input, context in
                    try await ScenarioOp.run(program, input: input, context: context)
                }
            }
        }
        for edge in description["edges"]?.arrayValue ?? [] {
            switch edge["type"]?.stringValue {
            case nil:
                guard let to = edge["to"]?.stringValue else { throw ScenarioError("edge without 'to': \(edge)") }
                if let sources = edge["from"]?.arrayValue {
                    graph.addEdge(from: sources.compactMap(\.stringValue), to: to)
                } else if let from = edge["from"]?.stringValue {
                    graph.addEdge(from, to)
                } else {
                    throw ScenarioError("edge without 'from': \(edge)")
                }
            case "route":
                guard let from = edge["from"]?.stringValue else { throw ScenarioError("route without 'from'") }
                let rules = edge["rules"]?.arrayValue ?? []
                let fallback = edge["default"] ?? .string(END)
                graph.addConditionalEdges(from) { state in
                    let eval = ScenarioExpression(input: state)
                    for rule in rules where try eval.holds(rule["when"] ?? .bool(true)) {
                        return try targets(rule["to"] ?? .string(END))
                    }
                    return try targets(fallback)
                }
            case "send":
                guard let from = edge["from"]?.stringValue, let over = edge["over"]?.stringValue,
                    let node = edge["node"]?.stringValue
                else { throw ScenarioError("send edge needs from, over and node: \(edge)") }
                let arg = edge["arg"] ?? .object(["$item": ""])
                let otherwise = edge["else"]
                graph.addConditionalEdges(from) { state in
                    let items = state[over]?.arrayValue ?? []
                    if items.isEmpty { return try otherwise.map(targets) ?? [] }
                    return try items.enumerated().map { index, item in
                        let eval = ScenarioExpression(input: state, item: item, index: index)
                        return .send(Send(node, try eval.evaluate(arg)))
                    }
                }
            case let other:
                throw ScenarioError("unknown edge type '\(other ?? "")'")
            }
        }
        return graph
    }

    static func targets(_ target: Value) throws -> [Route] {
        if let name = target.stringValue { return [.node(name)] }
        if let list = target.arrayValue { return list.compactMap(\.stringValue).map { .node($0) } }
        throw ScenarioError("bad route target \(target)")
    }
}
