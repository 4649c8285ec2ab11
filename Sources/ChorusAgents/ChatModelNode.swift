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

    /// The model's reply to `conversation`, preceded by a compaction marker
    /// when the conversation had to be compacted to fit the model's context
    /// window (see `ContextCompactor`): the messages to add to the thread.
    /// A provider that still says "too long" gets one compacted retry, shown
    /// as a retry.
    public func respond(to conversation: [ChatMessage], _ context: NodeContext) async throws -> [ChatMessage] {
        let compactor = ContextCompactor(model: model, strategy: model.settings.compaction)
        // A short conversation fits any model: the provider is not asked for the window (a request of its own) yet.
        let short = compactor.estimatedTokens(conversation, system: system) + (maxTokens ?? 0) < ContextCompactor.fitsAnyWindow
        let window = await model.contextWindow(probing: !short)
        let replyRoom = ContextCompactor.replyRoom(maxTokens: maxTokens, window: window)
        var prepared = try await compactor.prepare(conversation, system: system, window: window, replyRoom: replyRoom)
        reportSummary(prepared, window: window, context)
        let id = "ai-" + UUID().uuidString.lowercased()
        let report = context.modelCall(name: model.displayName, messageId: id)
        do {
            return [prepared.marker].compactMap { $0 } + [try await reply(prepared.sent, id: id, window: window, report: report, context)]
        } catch let error as ChatProviderError where error.isContextOverflow {
            let known = conversation + [prepared.marker].compactMap { $0 }
            let marker = prepared.marker
            prepared = try await compactor.compactNow(known, system: system, window: window, maxTokens: maxTokens)
            reportSummary(prepared, window: window, context)
            report.retry(RetryNotice(attempt: 2, maxAttempts: 2, delay: 0, reason: "\(error.description) Compacted the conversation to fit"))
            return [marker, prepared.marker].compactMap { $0 } + [try await reply(prepared.sent, id: id, window: window, report: report, context)]
        }
    }

    /// A compaction's summary calls, reported as a model call of their own (with their usage).
    private func reportSummary(_ prepared: ContextCompactor.Prepared, window: Int?, _ context: NodeContext) {
        guard let marker = prepared.marker, let usage = prepared.summaryUsage else { return }
        context.modelCall(name: model.displayName, messageId: marker.id)
            .end(usage: RunEvent.Usage(usage, window: window, settings: model.settings))
    }

    /// Streams one model call for `messages` (sent as they are).
    private func reply(_ messages: [ChatMessage], id: String, window: Int?, report: ModelCallReporter, _ context: NodeContext) async throws -> ChatMessage {
        var text = ""
        var calls: [ToolCall] = []
        var finished = false
        var pendingToken: String?
        var usage: Usage?
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
        report.end(usage: usage.map { RunEvent.Usage($0, window: window, settings: model.settings) })
        guard finished else { throw ChatModelError.truncated(partial: text) }
        return ChatMessage(role: .assistant, content: text, id: id, toolCalls: calls, usage: usage,
                           costUSD: model.settings.cost(of: usage))
    }
}
