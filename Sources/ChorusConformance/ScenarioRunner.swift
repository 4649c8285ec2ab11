import ChorusGraph

/// Runs a scenario's calls on the engine and writes what happened in the
/// shape `compare.py` expects (FORMAT.md §5–§8), with its normalisations.
public struct ScenarioRunner: Sendable {
    /// Makes the checkpointer a case asks for (`memory`, `sqlite`); nil for an unknown kind.
    public typealias CheckpointerFactory = @Sendable (_ kind: String) throws -> (any Checkpointer)?

    let makeCheckpointer: CheckpointerFactory

    public init(makeCheckpointer: @escaping CheckpointerFactory = ScenarioRunner.memoryOnly) {
        self.makeCheckpointer = makeCheckpointer
    }

    /// The default factory: an in-memory checkpointer for `memory`.
    public static let memoryOnly: CheckpointerFactory = { kind in
        kind == "memory" ? InMemoryCheckpointer() : nil
    }

    /// Runs every call; returns `{"name", "calls": [...]}`.
    public func run(_ scenario: Scenario) async throws -> Value {
        let kind = scenario.graph["compile"]?["checkpointer"]?.stringValue ?? "none"
        var checkpointer: (any Checkpointer)?
        if kind != "none" {
            guard let made = try makeCheckpointer(kind) else {
                throw ScenarioError("case \(scenario.name) needs a '\(kind)' checkpointer, which this runner does not have")
            }
            checkpointer = made
        }
        let graph = try ScenarioGraph.build(scenario.graph, checkpointer: checkpointer)
        var results: [Value] = []
        for call in scenario.calls {
            results.append(try await perform(call, on: graph, caseConfig: scenario.config))
        }
        return .object(["name": .string(scenario.name), "calls": .array(results)])
    }

    /// A call's `resume_by_node` ({task name: value}) as the resume map LangGraph takes,
    /// {pending interrupt id of that task: value}; nil when the call has none.
    /// Ids are not in the recorded output, so scenarios name tasks instead.
    private func resumeValue(_ call: Value, on graph: CompiledGraph, config: RunConfig) async throws -> Value? {
        guard let byNode = call["resume_by_node"]?.objectValue else { return nil }
        var ids: [String: String] = [:]
        for task in try await graph.getState(config: config).tasks {
            if let first = task.interrupts.first { ids[task.name] = first.id }
        }
        var map: [String: Value] = [:]
        for (name, value) in byNode {
            guard let id = ids[name] else { throw ScenarioError("resume_by_node: no pending interrupt in task '\(name)'") }
            map[id] = value
        }
        return .object(map)
    }

    private func perform(_ call: Value, on graph: CompiledGraph, caseConfig: Value) async throws -> Value {
        let kind = call["call"]?.stringValue ?? ""
        let config = runConfig(caseConfig, call["config"])
        var out: [String: Value] = ["call": .string(kind)]
        switch kind {
        case "invoke", "resume":
            let input: RunInput
            if kind == "resume" {
                input = .resume(try await resumeValue(call, on: graph, config: config) ?? call["value"] ?? .null)
            } else {
                input = runInput(call["input"] ?? .null)
            }
            do {
                out["result"] = Normalize.result(try await graph.invoke(input, config: config))
            } catch {
                out["error"] = Normalize.error(error)
            }
        case "stream":
            let input: RunInput = try await resumeValue(call, on: graph, config: config).map { .resume($0) }
                ?? call["resume"].map { .resume($0) } ?? runInput(call["input"] ?? .null)
            let modesValue = call["modes"] ?? .string("values")
            let modeNames = modesValue.arrayValue?.compactMap(\.stringValue) ?? [modesValue.stringValue ?? "values"]
            var modes: Set<StreamMode> = []
            for name in modeNames {
                guard let mode = StreamMode(rawValue: name) else { throw ScenarioError("unknown stream mode '\(name)'") }
                modes.insert(mode)
            }
            let subgraphs = call["subgraphs"]?.isTruthy ?? false
            let multi = modesValue.arrayValue != nil
            var entries: [Value] = []
            do {
                for try await part in graph.stream(input, modes: modes, subgraphs: subgraphs, config: config) {
                    entries.append(Normalize.entry(part, multiMode: multi, subgraphs: subgraphs))
                }
            } catch {
                out["error"] = Normalize.error(error)
            }
            out["stream"] = .array(entries)
        case "get_state":
            do {
                out["state"] = Normalize.snapshot(try await graph.getState(config: config))
            } catch {
                out["state"] = .object(["error": Normalize.error(error)])
            }
        case "get_state_history":
            do {
                let history = try await graph.getStateHistory(config: config, limit: call["limit"]?.intValue)
                out["history"] = .array(history.map { s in
                    .object([
                        "step": .int(s.metadata?.step ?? -1), "source": .string(s.metadata?.source.rawValue ?? ""),
                        "next": .array(s.next.map { .string($0) }), "values": Normalize.value(s.values),
                    ])
                })
            } catch {
                out["history"] = .object(["error": Normalize.error(error)])
            }
        case "update_state":
            do {
                let values = call["values"].flatMap { $0.isNull ? nil : $0.objectValue }
                try await graph.updateState(config: config, values: values, asNode: call["as_node"]?.stringValue)
            } catch {
                out["error"] = Normalize.error(error)
            }
        case "sleep":
            try await Task.sleep(for: .milliseconds(call["ms"]?.intValue ?? 0))
        default:
            throw ScenarioError("unknown call '\(kind)'")
        }
        if graph.checkpointer != nil && kind != "get_state" && kind != "get_state_history" {
            do {
                out["state_after"] = Normalize.snapshot(try await graph.getState(config: config))
            } catch {
                out["state_after"] = .object(["error": Normalize.error(error)])
            }
        }
        return .object(out)
    }

    private func runInput(_ input: Value) -> RunInput {
        input.isNull ? .continue : .state(input)
    }

    private func runConfig(_ base: Value, _ override: Value?) -> RunConfig {
        var config = RunConfig()
        for source in [base, override ?? .object([:])] {
            if let limit = source["recursion_limit"]?.intValue { config.recursionLimit = limit }
            if let k = source["max_concurrency"]?.intValue { config.maxConcurrency = k }
            if let thread = source["thread_id"] { config.threadId = PythonText.str(thread) }
        }
        return config
    }
}
