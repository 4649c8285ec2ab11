import ChorusGraph
import ChorusModels
import Foundation

/// A chat model as a graph node's work: sends a conversation to the model,
/// streams its tokens to the `messages` stream and to the run's events
/// (`modelStart`, `token`, `modelEnd`), and returns the reply.
public struct ChatModelNode: Sendable {
    public let model: any ChatModel
    public let system: String?
    public let maxTokens: Int?
    public let tools: [ToolSpec]

    public init(model: any ChatModel, system: String? = nil, maxTokens: Int? = nil, tools: [ToolSpec] = []) {
        self.model = model
        self.system = system
        self.maxTokens = maxTokens
        self.tools = tools
    }

    /// The model's reply to `conversation` (the system prompt goes first unless it starts with one).
    public func reply(to conversation: [ChatMessage], _ context: NodeContext) async throws -> ChatMessage {
        var messages = conversation
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
        context.emitMessageChunk(id: id, content: pendingToken ?? "", isLast: true, usage: usage?.metadata)
        report.end(usage: usage.map { RunEvent.Usage(inputTokens: $0.inputTokens, outputTokens: $0.outputTokens) })
        guard finished else { throw ChatModelError.truncated(partial: text) }
        return ChatMessage(role: .assistant, content: text, id: id, toolCalls: calls, usage: usage)
    }
}
