import ChorusGraph
import ChorusModels

/// Turns a run stream's events into `RemoteRunUpdate`s, whatever the graph is
/// called. Tokens are told apart by the task that streamed them (the first
/// segment of `langgraph_checkpoint_ns`, `node:task`). Between two root
/// `values` events (one superstep), tokens from two or more tasks mean the
/// run fans out (`Send` branches, parallel nodes, parallel subgraphs): each
/// such task becomes a branch. Before that, tokens are the reply; after it, a
/// task alone in its step streams the answer, unless it runs the branches' node.
public struct RunStreamDecoder: Sendable {
    /// Tasks that streamed tokens in the current superstep, in order, with the tokens sent as reply tokens.
    private var stepTasks: [String] = []
    private var replyTokens: [(task: String, text: String)] = []
    /// Branch names by task, once the run has fanned out.
    private var branches: [String: String] = [:]
    private var branchNodes: [String: Int] = [:]
    private var fannedOut = false

    public init() {}

    /// The updates one event brings (often none).
    public mutating func decode(_ part: RunStreamPart) -> [RemoteRunUpdate] {
        switch part.mode {
        case "metadata":
            guard let id = part.data["run_id"]?.stringValue else { return [] }
            return [.started(runId: id)]
        case "messages":
            return token(part)
        case "updates" where part.namespace.isEmpty:
            if let interrupts = part.data["__interrupt__"]?.arrayValue, !interrupts.isEmpty {
                return [.interrupted(interrupts.map(RemoteInterrupt.init(wire:)))]
            }
            return Self.toolCalls(in: part.data)
        case "values" where part.namespace.isEmpty:
            let done = fannedOut && stepTasks.contains { branches[$0] != nil }
            stepTasks = []
            replyTokens = []
            return (done ? [.branchesDone] : []) + [.values(part.data)]
        case "custom":
            return [.custom(part.data)]
        case "error":
            let message = part.data["message"]?.stringValue ?? part.data["error"]?.stringValue ?? part.data.stringValue ?? JSON.serialize(part.data)
            let type = part.data["error"]?.stringValue
            return [.failed(type.map { $0 == message ? message : "\($0): \(message)" } ?? message)]
        default:
            return []
        }
    }

    private mutating func token(_ part: RunStreamPart) -> [RemoteRunUpdate] {
        guard let pair = part.data.arrayValue, pair.count == 2 else { return [] }
        let chunk = pair[0], metadata = pair[1]
        guard let type = chunk["type"]?.stringValue, type == "AIMessageChunk" || type == "ai" else { return [] }
        let text = ChatMessage.text(ofContent: chunk["content"])
        guard !text.isEmpty else { return [] }
        let node = metadata["langgraph_node"]?.stringValue ?? ""
        let namespace = metadata["langgraph_checkpoint_ns"]?.stringValue ?? part.namespace.joined(separator: "|")
        let task = namespace.split(separator: "|").first.map(String.init) ?? node
        let rootNode = task.split(separator: ":").first.map(String.init) ?? node
        var updates: [RemoteRunUpdate] = []
        if !stepTasks.contains(task) {
            stepTasks.append(task)
            if stepTasks.count >= 2 || (fannedOut && branchNodes[rootNode] != nil) {
                // Every task of this step streams side by side: each gets a pane, with what it already sent.
                for earlier in stepTasks where branches[earlier] == nil {
                    updates.append(open(earlier))
                    for sent in replyTokens where sent.task == earlier { updates.append(.branchToken(branch: branches[earlier]!, text: sent.text)) }
                }
                fannedOut = true
            }
        }
        if let branch = branches[task] { return updates + [.branchToken(branch: branch, text: text)] }
        if fannedOut { return updates + [.answerToken(text)] }
        replyTokens.append((task, text))
        return updates + [.token(text: text, messageId: chunk["id"]?.stringValue ?? "", node: node,
                                 step: metadata["langgraph_step"]?.intValue ?? 0)]
    }

    /// Tool calls asked for and answered in the root graph's node updates: AI messages with
    /// `tool_calls`, and `tool` messages (LangChain's shapes; a ReAct agent's `agent` and `tools` nodes).
    static func toolCalls(in updates: Value) -> [RemoteRunUpdate] {
        var found: [RemoteRunUpdate] = []
        for (_, update) in (updates.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
            let messages = update["messages"].map { $0.arrayValue ?? [$0] } ?? []
            for message in messages {
                switch message["type"]?.stringValue {
                case "ai", "AIMessageChunk":
                    for call in message["tool_calls"]?.arrayValue ?? [] {
                        guard let name = call["name"]?.stringValue else { continue }
                        found.append(.toolCalled(id: call["id"]?.stringValue ?? "", name: name, arguments: call["args"] ?? .object([:])))
                    }
                case "tool":
                    found.append(.toolReturned(id: message["tool_call_id"]?.stringValue ?? "", output: ChatMessage.text(ofContent: message["content"])))
                default:
                    break
                }
            }
        }
        return found
    }

    /// Names the task's branch after its node: `worker 3` for the third `worker`.
    private mutating func open(_ task: String) -> RemoteRunUpdate {
        let node = task.split(separator: ":").first.map(String.init) ?? task
        let count = branchNodes[node, default: 0] + 1
        branchNodes[node] = count
        let label = node + " " + String(count)
        branches[task] = label
        return .branchOpened(label)
    }
}
