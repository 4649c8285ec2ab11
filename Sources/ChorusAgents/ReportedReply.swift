import ChorusGraph
import ChorusModels

extension ChatModel {
    /// Streams a whole text reply inside a node: its tokens go to the
    /// `messages` stream and the call to the run's events (`modelStart`, each
    /// `token`, `modelEnd` with usage). A reply that ends without a finish
    /// reason is an error.
    func replyText(to request: ChatRequest, context: NodeContext, messageId: String) async throws -> String {
        try await reply(to: request, context: context, messageId: messageId).text
    }

    /// As `replyText`, with the tool calls the reply asks for.
    func reply(to request: ChatRequest, context: NodeContext, messageId: String) async throws -> (text: String, toolCalls: [ToolCall]) {
        let report = context.modelCall(name: displayName, messageId: messageId)
        var text = ""
        var toolCalls: [ToolCall] = []
        var usage: Usage?
        var finished = false
        // Tokens also go to the `messages` stream; the last carries the end-of-message mark and the usage.
        var pendingToken: String?
        defer { if let pendingToken { context.emitMessageChunk(id: messageId, content: pendingToken, isLast: true, usage: usage?.metadata) } }
        do {
            for try await chunk in stream(request) {
                switch chunk {
                case .text(let t):
                    if let previous = pendingToken { context.emitMessageChunk(id: messageId, content: previous) }
                    pendingToken = t
                    text += t
                    report.token(t)
                case .toolCall(let call): toolCalls.append(call)
                case .usage(let u): usage = u
                case .finish: finished = true
                case .retrying(let notice):
                    report.retry(notice)
                }
            }
        } catch {
            // A call cut short (by a budget) still spent what it said it did.
            if let usage { report.end(usage: RunEvent.Usage(usage, window: await contextWindow(probing: false), settings: settings)) }
            throw error
        }
        let window = usage == nil ? nil : await contextWindow(probing: true)
        report.end(usage: usage.map { RunEvent.Usage($0, window: window, settings: settings) })
        guard finished else { throw ChatModelError.truncated(partial: text) }
        return (text, toolCalls)
    }
}
