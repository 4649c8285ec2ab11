import ChorusGraph
import ChorusModels

/// A tool an agent can call: its spec for the model and the Swift closure that runs it.
public struct AgentTool: Sendable {
    public let spec: ToolSpec
    public let run: @Sendable (_ arguments: Value) async throws -> String

    public init(name: String, description: String, parameters: Value, run: @escaping @Sendable (Value) async throws -> String) {
        spec = ToolSpec(name: name, description: description, parameters: parameters)
        self.run = run
    }
}

/// LangGraph's `create_react_agent`: the model and a tool node in a loop
/// until the model answers without calling a tool. Parallel tool calls run
/// concurrently under the run's `maxConcurrency`, each reported to the run's
/// events (`toolStart`, `toolEnd`); a failing tool's error is returned to the
/// model as the tool's result.
public enum ReactAgent {
    public static func make(model: any ChatModel, tools: [AgentTool], system: String? = nil, maxTokens: Int? = nil,
                            checkpointer: (any Checkpointer)? = nil) throws -> CompiledGraph {
        var graph = StateGraph(StateSchema([("messages", .reducer(.messages))]))
        let agent = ChatModelNode(model: model, system: system, maxTokens: maxTokens, tools: tools.map(\.spec))
        let byName = Dictionary(tools.map { ($0.spec.name, $0) }, uniquingKeysWith: { first, _ in first })
        graph.addNode("agent") { state, context in try await agent.run(state, context) }
        graph.addNode("tools") { state, context in
            let calls = lastToolCalls(state)
            let results = try await context.concurrentMap(calls) { call -> Value in
                let report = context.toolStart(name: call.name, input: call.arguments)
                let output: String
                if let tool = byName[call.name] {
                    do {
                        output = try await tool.run(call.arguments)
                    } catch {
                        output = "Error: \(error)"
                    }
                } else {
                    output = "Error: \(call.name) is not a valid tool, try one of [\(byName.keys.sorted().joined(separator: ", "))]."
                }
                report.end(output: .string(output))
                return ChatMessage(role: .tool, content: output, id: "tool-\(call.id)", toolCallId: call.id).value
            }
            return .update(["messages": .array(results)])
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
