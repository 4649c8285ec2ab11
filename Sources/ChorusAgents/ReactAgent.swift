import ChorusGraph
import ChorusModels

/// A tool an agent can call: its spec for the model and the Swift closure that runs it.
public struct AgentTool: Sendable {
    public let spec: ToolSpec
    /// Asks the user before each call (an `interrupt()`, see `ToolApproval`).
    public let needsApproval: Bool
    public let run: @Sendable (_ arguments: Value) async throws -> String

    public init(name: String, description: String, parameters: Value, needsApproval: Bool = false,
                run: @escaping @Sendable (Value) async throws -> String) {
        spec = ToolSpec(name: name, description: description, parameters: parameters)
        self.needsApproval = needsApproval
        self.run = run
    }
}

/// LangGraph's `create_react_agent`: the model and a tool node in a loop
/// until the model answers without calling a tool. Parallel tool calls run
/// concurrently under the run's `maxConcurrency`, each reported to the run's
/// events (`toolStart`, `toolEnd`); a failing tool's error is returned to the
/// model as the tool's result. A tool that needs approval is asked about
/// first, one `interrupt()` per call (`ToolApproval`); a declined call's
/// result tells the model so. "Always" approves the tool for the rest of
/// the thread (state key `approved_tools`).
public enum ReactAgent {
    public static func make(model: any ChatModel, tools: [AgentTool], system: String? = nil, maxTokens: Int? = nil,
                            checkpointer: (any Checkpointer)? = nil) throws -> CompiledGraph {
        var graph = StateGraph(StateSchema([("messages", .reducer(.messages)), (ToolApproval.stateKey, .lastValue)]))
        let agent = ChatModelNode(model: model, system: system, maxTokens: maxTokens, tools: tools.map(\.spec))
        let byName = Dictionary(tools.map { ($0.spec.name, $0) }, uniquingKeysWith: { first, _ in first })
        graph.addNode("agent") { state, context in try await agent.run(state, context) }
        graph.addNode("tools") { state, context in
            let calls = lastToolCalls(state)
            var always = ToolApproval.alwaysApproved(in: state)
            var declined: Set<String> = []
            for call in calls where byName[call.name]?.needsApproval == true && !always.contains(call.name) {
                switch ToolApproval.Answer(try context.interrupt(ToolApproval.request(for: call))) {
                case .approve: break
                case .always: always.insert(call.name)
                case .decline: declined.insert(call.id)
                }
            }
            let refused = declined
            let results = try await context.concurrentMap(calls) { call -> Value in
                let output: String
                if refused.contains(call.id) {
                    output = "The user declined to run \(call.name)."
                } else {
                    output = try await ToolCallRunner.output(of: call, tools: byName, context: context)
                }
                return ChatMessage(role: .tool, content: output, id: "tool-\(call.id)", toolCallId: call.id).value
            }
            var update: [String: Value] = ["messages": .array(results)]
            if always != ToolApproval.alwaysApproved(in: state) { update[ToolApproval.stateKey] = .array(always.sorted().map(Value.string)) }
            return .update(update)
        }
        graph.addEdge(START, "agent")
        graph.addConditionalEdges("agent") { state in lastToolCalls(state).isEmpty ? [.end] : ["tools"] }
        graph.addEdge("tools", "agent")
        return try graph.compile(checkpointer: checkpointer)
    }

    static func lastToolCalls(_ state: Value) -> [ToolCall] {
        guard let last = state["messages"]?.arrayValue?.last, let message = ChatMessage(value: last), message.role == .assistant else { return [] }
        return message.toolCalls
    }
}
