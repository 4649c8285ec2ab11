import ChorusGraph
import ChorusModels
import Foundation

/// A graph node that sends the conversation in state to a chat model,
/// streams its tokens to the `messages` stream and to the run's events
/// (`modelStart`, `token`, `modelEnd`), and adds the reply.
public struct ChatModelNode: Sendable {
    public let model: any ChatModel
    public let messagesKey: String
    public let system: String?
    public let maxTokens: Int?
    public let tools: [ToolSpec]

    public init(model: any ChatModel, messagesKey: String = "messages", system: String? = nil, maxTokens: Int? = nil, tools: [ToolSpec] = []) {
        self.model = model
        self.messagesKey = messagesKey
        self.system = system
        self.maxTokens = maxTokens
        self.tools = tools
    }

    public func run(_ state: Value, _ context: NodeContext) async throws -> NodeOutput {
        var messages = (state[messagesKey]?.arrayValue ?? []).compactMap(ChatMessage.init(value:))
        if let system, messages.first?.role != .system {
            messages.insert(ChatMessage(role: .system, content: system, id: "system"), at: 0)
        }
        let id = "ai-" + UUID().uuidString.lowercased()
        var text = ""
        var calls: [ToolCall] = []
        var finished = false
        var pendingToken: String?
        var usage: Usage?
        let report = context.modelCall(name: model.displayName, messageId: id)
        do {
            for try await chunk in model.stream(ChatRequest(messages: messages, tools: tools, maxTokens: maxTokens)) {
                switch chunk {
                case .text(let t):
                    if let previous = pendingToken { context.emitMessageChunk(id: id, content: previous) }
                    pendingToken = t
                    text += t
                    report.token(t)
                case .toolCall(let call):
                    calls.append(call)
                case .finish:
                    finished = true
                case .usage(let u):
                    usage = u
                case .retrying(let notice):
                    report.retry(notice)
                }
            }
        } catch {
            // What arrived stays visible; the error says why it stopped.
            if let pendingToken { context.emitMessageChunk(id: id, content: pendingToken) }
            throw error
        }
        // The last token carries the end-of-message mark.
        context.emitMessageChunk(id: id, content: pendingToken ?? "", isLast: true)
        report.end(usage: usage.map { RunEvent.Usage(inputTokens: $0.inputTokens, outputTokens: $0.outputTokens) })
        guard finished else { throw ChatModelError.truncated(partial: text) }
        return .update([messagesKey: .array([ChatMessage(role: .assistant, content: text, id: id, toolCalls: calls).value])])
    }
}

/// The `chat` graph: a conversation in `messages` and one model node.
public enum ChatGraph {
    public static func make(model: any ChatModel, system: String? = nil, maxTokens: Int? = nil,
                            checkpointer: (any Checkpointer)?) throws -> CompiledGraph {
        var graph = StateGraph(StateSchema([("messages", .reducer(.messages))]))
        let node = ChatModelNode(model: model, system: system, maxTokens: maxTokens)
        graph.addNode("model") { state, context in try await node.run(state, context) }
        graph.addEdge(START, "model")
        return try graph.compile(checkpointer: checkpointer)
    }
}
