import ChorusGraph

/// Turns the local engine's run events into `RunUpdate`s. Node updates are
/// the root graph's tasks; tokens, tools, retries and usage come from any
/// depth; a root task of a later superstep ends the step before it.
public struct EngineRunDecoder: Sendable {
    private var fanOut = FanOutTracker()
    private var step: Int?
    /// When each running tool call started (event id → seconds since 1970).
    private var toolStarts: [String: Double] = [:]

    public init() {}

    /// The updates one event brings (often none).
    public mutating func decode(_ event: RunEvent) -> [RunUpdate] {
        let atRoot = event.namespace.isEmpty
        let task = RunTask(node: event.node ?? "", id: event.task ?? "", step: event.step ?? 0)
        // The root task an event comes from: its own, or the one its subgraph runs in (`node:id`).
        let root = event.namespace.first.map { RootTask(segment: $0) } ?? RootTask(node: task.node, id: task.id)
        switch event.kind {
        case .runStart:
            return [.started(runId: event.runId)]
        case .runEnd(let output):
            return fanOut.stepEnded() + [.finished(state: output)]
        case .runError(let message):
            return [.failed(message)]
        case .nodeStart where atRoot:
            var updates: [RunUpdate] = []
            if let step, task.step > step { updates = fanOut.stepEnded() }
            step = task.step
            return updates + [.nodeStarted(task)]
        case .nodeEnd where atRoot:
            return [.nodeEnded(task, error: nil)]
        case .nodeError(let message) where atRoot:
            return [.nodeEnded(task, error: message)]
        case .nodeStart, .nodeEnd, .nodeError, .modelStart:
            return []
        case .nodeRetry(let attempt, let maxAttempts, let delay, let reason):
            return [.retrying(RunRetry(node: event.node, task: root.id, attempt: attempt, maxAttempts: maxAttempts, delay: delay, reason: reason,
                                       wholeNode: true))]
        case .modelRetry(let attempt, let maxAttempts, let delay, let reason):
            return [.retrying(RunRetry(node: event.node, task: root.id, attempt: attempt, maxAttempts: maxAttempts, delay: delay, reason: reason))]
        case .token(let text, let messageId):
            guard !text.isEmpty else { return [] }
            return fanOut.token(RunToken(text: text, messageId: messageId, node: task.node, step: task.step, task: root.id), rootNode: root.node)
        case .modelEnd(let usage):
            guard let usage else { return [] }
            return [.usage(RunUsage(node: event.node, task: root.id, inputTokens: usage.inputTokens, outputTokens: usage.outputTokens,
                                    cachedInputTokens: usage.cachedInputTokens, reasoningTokens: usage.reasoningTokens,
                                    contextWindow: usage.contextWindow, costUSD: usage.costUSD))]
        case .toolStart(let name, let input):
            toolStarts[event.id] = event.timestamp
            return [.toolStarted(RunToolCall(id: event.id, name: name, input: input, task: root.id))]
        case .toolEnd(let name, let output):
            let seconds = toolStarts.removeValue(forKey: event.id).map { event.timestamp - $0 }
            return [.toolEnded(RunToolResult(id: event.id, name: name, output: output.stringValue ?? JSON.serialize(output), seconds: seconds,
                                             task: root.id))]
        case .custom(let data):
            return [.custom(node: event.node, task: root.id, data)]
        }
    }
}
