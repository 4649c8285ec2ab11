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
/// the thread (`State.approvedTools`).
///
/// ```
/// START → agent ⇄ tools
///           └──→ END (a reply without tool calls)
/// ```
public enum ReactAgent {
    public enum State: GraphState {
        /// The conversation (the chat graph's key).
        public static let messages = Key<[ChatMessage]>.messages(ChatGraph.State.messages.name)
        /// Tools approved with "always" in this thread.
        public static let approvedTools = Key<[String]?>.lastValue("approved_tools")
        public static let schema = Schema(messages, approvedTools)
    }

    /// The model's turn.
    public static let agent: NodeName = "agent"
    /// The tool calls of the model's last reply.
    public static let tools: NodeName = "tools"

    public static func make(model: any ChatModel, tools: [AgentTool], system: String? = nil, maxTokens: Int? = nil,
                            checkpointer: (any Checkpointer)? = nil) throws -> TypedCompiledGraph<State> {
        var graph = TypedStateGraph<State>()
        let agent = ChatModelNode(model: model, system: system, maxTokens: maxTokens, tools: tools.map(\.spec))
        let byName = Dictionary(tools.map { ($0.spec.name, $0) }, uniquingKeysWith: { first, _ in first })
        graph.addNode(Self.agent) { state, context in
            let added = try await agent.respond(to: try state.messages, context)
            return StateUpdate { $0.messages = added }
        }
        graph.addNode(Self.tools) { state, context in
            let calls = lastToolCalls(try state.messages)
            let approved = Set(try state.approvedTools ?? [])
            var always = approved
            var declined: Set<String> = []
            for call in calls where byName[call.name]?.needsApproval == true && !always.contains(call.name) {
                switch ToolApproval.Answer(try context.interrupt(ToolApproval.Request(call).stateValue)) {
                case .approve: break
                case .always: always.insert(call.name)
                case .decline: declined.insert(call.id)
                }
            }
            let refused = declined
            let results = try await context.concurrentMap(calls) { call -> ChatMessage in
                let output: String
                if refused.contains(call.id) {
                    output = "The user declined to run \(call.name)."
                } else {
                    output = try await ToolCallRunner.output(of: call, tools: byName, context: context)
                }
                return ChatMessage(role: .tool, content: output, id: "tool-\(call.id)", toolCallId: call.id)
            }
            var update = StateUpdate<State>()
            update.messages = results
            if always != approved { update.approvedTools = always.sorted() }
            return update
        }
        graph.addEdge(.start, Self.agent)
        graph.addConditionalEdges(Self.agent) { state in lastToolCalls(try state.messages).isEmpty ? [.end] : [.to(Self.tools)] }
        graph.addEdge(Self.tools, Self.agent)
        return try graph.compile(checkpointer: checkpointer)
    }

    static func lastToolCalls(_ messages: [ChatMessage]) -> [ToolCall] {
        guard let last = messages.last, last.role == .assistant else { return [] }
        return last.toolCalls
    }
}
