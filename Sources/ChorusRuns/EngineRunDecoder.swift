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
        let root = event.namespace.isEmpty
        let task = RunTask(node: event.node ?? "", id: event.task ?? "", step: event.step ?? 0)
        // The root task an event comes from: its own, or the one its subgraph runs in (`node:id`).
        let (rootNode, rootTask) = event.namespace.first.map(Self.split) ?? (task.node, task.id)
        switch event.kind {
        case .runStart:
            return [.started(runId: event.runId)]
        case .runEnd(let output):
            return fanOut.stepEnded() + [.finished(state: output)]
        case .runError(let message):
            return [.failed(message)]
        case .nodeStart where root:
            var updates: [RunUpdate] = []
            if let step, task.step > step { updates = fanOut.stepEnded() }
            step = task.step
            return updates + [.nodeStarted(task)]
        case .nodeEnd where root:
            return [.nodeEnded(task, error: nil)]
        case .nodeError(let message) where root:
            return [.nodeEnded(task, error: message)]
        case .nodeStart, .nodeEnd, .nodeError, .modelStart:
            return []
        case .nodeRetry(let attempt, let maxAttempts, let delay, let reason):
            return [.retrying(RunRetry(node: event.node, task: rootTask, attempt: attempt, maxAttempts: maxAttempts, delay: delay, reason: reason,
                                       wholeNode: true))]
        case .modelRetry(let attempt, let maxAttempts, let delay, let reason):
            return [.retrying(RunRetry(node: event.node, task: rootTask, attempt: attempt, maxAttempts: maxAttempts, delay: delay, reason: reason))]
        case .token(let text, let messageId):
            guard !text.isEmpty else { return [] }
            return fanOut.token(RunToken(text: text, messageId: messageId, node: task.node, step: task.step, task: rootTask), rootNode: rootNode)
        case .modelEnd(let usage):
            guard let usage else { return [] }
            return [.usage(RunUsage(node: event.node, inputTokens: usage.inputTokens, outputTokens: usage.outputTokens))]
        case .toolStart(let name, let input):
            toolStarts[event.id] = event.timestamp
            return [.toolStarted(RunToolCall(id: event.id, name: name, input: input, task: rootTask))]
        case .toolEnd(let name, let output):
            let seconds = toolStarts.removeValue(forKey: event.id).map { event.timestamp - $0 }
            return [.toolEnded(RunToolResult(id: event.id, name: name, output: output.stringValue ?? JSON.serialize(output), seconds: seconds,
                                             task: rootTask))]
        case .custom(let data):
            return [.custom(node: event.node, task: rootTask, data)]
        }
    }

    /// `node:id` as its two parts.
    private static func split(_ segment: String) -> (String, String) {
        guard let colon = segment.firstIndex(of: ":") else { return (segment, "") }
        return (String(segment[..<colon]), String(segment[segment.index(after: colon)...]))
    }
}
