import ChorusGraph
import ChorusModels
import ChorusRuns

/// Turns a LangGraph server's run stream into `RunUpdate`s, whatever the
/// graph is called. Tokens go through the same `FanOutTracker` as the local
/// engine's, keyed by the root task that streamed them (the first segment of
/// `langgraph_checkpoint_ns`, `node:task`); a root `values` event ends a
/// superstep. Node updates need the `tasks` stream mode; tool calls and
/// usage are read from the root graph's node updates (LangChain's shapes).
public struct RunStreamDecoder: Sendable {
    private var fanOut = FanOutTracker()
    /// Root `values` events so far: the first is the state the run starts from, so it counts the step that runs next.
    private var step = 0
    /// The root graph's latest state, which the run ends with.
    public private(set) var state: Value = .null
    /// Messages whose token counts came with their last streamed chunk (their node update then says them again).
    private var counted: Set<String> = []
    /// Tool calls asked for and not yet answered: their names and when they were asked.
    private var toolCalls: [String: (name: String, at: ContinuousClock.Instant)] = [:]

    public init() {}

    /// The updates one event brings (often none).
    public mutating func decode(_ part: RunStreamPart) -> [RunUpdate] {
        switch part.mode {
        case "metadata":
            guard let id = part.data["run_id"]?.stringValue else { return [] }
            return [.started(runId: id)]
        case "messages":
            return token(part)
        case "tasks" where part.namespace.isEmpty:
            return task(part.data)
        case "updates" where part.namespace.isEmpty:
            if let interrupts = part.data["__interrupt__"]?.arrayValue, !interrupts.isEmpty {
                return [.interrupted(interrupts.map(RunInterrupt.init(wire:)))]
            }
            return messages(in: part.data)
        case "values" where part.namespace.isEmpty:
            step += 1
            state = part.data
            return fanOut.stepEnded()
        case "custom":
            // Inside a subgraph the namespace names the root task; at the root the server does not say.
            return [.custom(node: nil, task: part.namespace.first.map { RootTask(segment: $0).id }, part.data)]
        case "error":
            let message = part.data["message"]?.stringValue ?? part.data["error"]?.stringValue ?? part.data.stringValue ?? JSON.serialize(part.data)
            let type = part.data["error"]?.stringValue
            return [.failed(type.map { $0 == message ? message : "\($0): \(message)" } ?? message)]
        default:
            return []
        }
    }

    /// A root task's start (it has `input`) or result (it has `result` or `error`).
    private func task(_ data: Value) -> [RunUpdate] {
        guard let id = data["id"]?.stringValue, let name = data["name"]?.stringValue else { return [] }
        let task = RunTask(node: name, id: id, step: step)
        if data["input"] != nil, data["result"] == nil { return [.nodeStarted(task)] }
        let error = data["error"].flatMap { $0 == .null ? nil : ($0.stringValue ?? JSON.serialize($0)) }
        return [.nodeEnded(task, error: error)]
    }

    private mutating func token(_ part: RunStreamPart) -> [RunUpdate] {
        guard let pair = part.data.arrayValue, pair.count == 2 else { return [] }
        let chunk = pair[0], metadata = pair[1]
        guard let type = chunk["type"]?.stringValue, type == "AIMessageChunk" || type == "ai" else { return [] }
        let text = ChatMessage.text(ofContent: chunk["content"])
        let node = metadata["langgraph_node"]?.stringValue ?? ""
        let namespace = metadata["langgraph_checkpoint_ns"]?.stringValue ?? part.namespace.joined(separator: "|")
        let root = namespace.split(separator: "|").first.map { RootTask(segment: $0) } ?? RootTask(node: node, id: "")
        // The last chunk of a model call carries its token counts (LangChain's `usage_metadata`).
        var usage: [RunUpdate] = []
        if let counts = chunk["usage_metadata"], counts != .null {
            if let id = chunk["id"]?.stringValue { counted.insert(id) }
            usage = [.usage(RunUsage(node: node, task: root.id.isEmpty ? nil : root.id, metadata: counts))]
        }
        guard !text.isEmpty else { return usage }
        let token = RunToken(text: text, messageId: chunk["id"]?.stringValue ?? "", node: node, step: metadata["langgraph_step"]?.intValue ?? step,
                             task: root.id)
        return fanOut.token(token, rootNode: root.node) + usage
    }


    /// Tool calls asked for and answered, and model usage, in the root graph's node updates:
    /// AI messages with `tool_calls` and `usage_metadata`, and `tool` messages.
    private mutating func messages(in updates: Value) -> [RunUpdate] {
        var found: [RunUpdate] = []
        for (node, update) in (updates.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
            let messages = update["messages"].map { $0.arrayValue ?? [$0] } ?? []
            for message in messages {
                switch message["type"]?.stringValue {
                case "ai", "AIMessageChunk":
                    if let usage = message["usage_metadata"], usage != .null, !counted.contains(message["id"]?.stringValue ?? "") {
                        found.append(.usage(RunUsage(node: node, task: nil, metadata: usage)))
                    }
                    for call in message["tool_calls"]?.arrayValue ?? [] {
                        guard let name = call["name"]?.stringValue else { continue }
                        let id = call["id"]?.stringValue ?? ""
                        toolCalls[id] = (name, .now)
                        found.append(.toolStarted(RunToolCall(id: id, name: name, input: call["args"] ?? .object([:]), task: nil)))
                    }
                case "tool":
                    let id = message["tool_call_id"]?.stringValue ?? ""
                    let asked = toolCalls.removeValue(forKey: id)
                    found.append(.toolEnded(RunToolResult(id: id, name: message["name"]?.stringValue ?? asked?.name ?? "",
                                                          output: ChatMessage.text(ofContent: message["content"]),
                                                          seconds: asked.map { (ContinuousClock.now - $0.at) / .seconds(1) }, task: nil)))
                default:
                    break
                }
            }
        }
        return found
    }
}

extension RunUsage {
    /// From LangChain's `usage_metadata` as a server sends it (no window, no cost: a server does not say).
    /// Counts are kept within 0…10¹², as `Usage` keeps a provider's, so sums of them never overflow.
    init(node: String, task: String?, metadata: Value) {
        func count(_ value: Value?) -> Int? { value?.intValue.map(Usage.plausible) }
        self.init(node: node, task: task, inputTokens: count(metadata["input_tokens"]), outputTokens: count(metadata["output_tokens"]),
                  cachedInputTokens: count(metadata["input_token_details"]?["cache_read"]),
                  reasoningTokens: count(metadata["output_token_details"]?["reasoning"]))
    }
}
