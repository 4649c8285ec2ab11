import ChorusAgents
import ChorusGraph
import ChorusModels
import ChorusStore
import ChorusTools
import ChorusTUI
import Foundation

/// What the chat screen needs from the store and the models: threads,
/// transcripts, and replies streamed through the chat graph into `Msg`s.
public final class ChatService: Sendable {
    let threads: ThreadStore
    let checkpointer: SQLiteCheckpointer
    let environment: [String: String]
    let config: ChorusConfig
    /// `--model` and `--base-url`, which apply to the provider named by `--provider`.
    let flags: ProviderFlags
    /// The MCP servers whose tools chats and research branches may call; nil without any.
    let toolbox: MCPToolbox?
    /// Their tools, listed once (servers start on first use).
    private let catalog: Locked<Task<(tools: [AgentTool], unavailable: [String]), Never>?>
    /// Tools switched off in the tools overlay, by the name the model knows.
    private let disabledTools = Locked<Set<String>>([])

    public init(database: ChorusDatabase, environment: [String: String], config: ChorusConfig, flags: ProviderFlags = ProviderFlags(),
                tools: [MCPServerSpec] = []) {
        threads = ThreadStore(database: database)
        checkpointer = SQLiteCheckpointer(database: database)
        self.environment = environment
        self.config = config
        self.flags = flags
        toolbox = tools.isEmpty ? nil : MCPToolbox(specs: tools)
        catalog = Locked(nil)
    }

    /// Turns a tool on or off for the rest of the session (the next reply sees it).
    func setTool(_ name: String, enabled: Bool) {
        disabledTools.withLock { if enabled { $0.remove(name) } else { $0.insert(name) } }
    }

    /// Every server's tools for the tools overlay.
    func toolRows() async -> [ToolRow] {
        guard let toolbox else { return [] }
        let disabled = disabledTools.withLock { $0 }
        return await toolbox.catalog().entries.map {
            ToolRow(server: SafeText.sanitize($0.server, keepNewlines: false), name: $0.exposedName, asks: $0.needsApproval,
                    enabled: !disabled.contains($0.exposedName))
        }
    }

    /// The agent tools of every configured server (starting them the first time), and a line per server that did not start.
    func agentTools() async -> (tools: [AgentTool], unavailable: [String]) {
        guard let toolbox else { return ([], []) }
        let task = catalog.withLock { current in
            if let current { return current }
            let listing = Task { await toolbox.agentTools() }
            current = listing
            return listing
        }
        return await task.value
    }

    /// Lines describing each server's tools, for `/tools`.
    func toolReport() async -> [String] {
        guard let toolbox else { return ["no MCP servers: add an [mcp.NAME] section to config.toml"] }
        let (entries, unavailable) = await toolbox.catalog()
        var lines: [String] = []
        for server in toolbox.servers.map(\.spec.name) {
            let tools = entries.filter { $0.server == server }
            guard !tools.isEmpty else { continue }
            lines.append("\(server): " + tools.map { $0.exposedName + ($0.needsApproval ? " (asks)" : "") }.joined(separator: ", "))
        }
        return lines + unavailable
    }

    /// Stops every MCP server that was started.
    func stopTools() async { await toolbox?.stop() }

    /// The chat graph: the ReAct agent when tools are configured, else one model call.
    func chatGraph(model: any ChatModel) async throws -> CompiledGraph {
        guard toolbox != nil else { return try ChatGraph.make(model: model, checkpointer: checkpointer) }
        let disabled = disabledTools.withLock { $0 }
        return try ReactAgent.make(model: model, tools: await agentTools().tools.filter { !disabled.contains($0.spec.name) }, checkpointer: checkpointer)
    }

    /// The chat graph's shape, for reading and editing a thread's state: its
    /// nodes and channels depend on neither the model nor the tools, so no
    /// MCP server is started for it.
    private func stateGraph() throws -> CompiledGraph {
        guard toolbox != nil else { return try ChatGraph.make(model: OfflineChatModel(), checkpointer: checkpointer) }
        return try ReactAgent.make(model: OfflineChatModel(), tools: [], checkpointer: checkpointer)
    }

    /// The node a reply's saved message is written as (`updateState(asNode:)`).
    private var replyNode: String { toolbox == nil ? "model" : "agent" }

    /// The tool call a thread waits to have approved, if any.
    func pendingApproval(_ threadId: String) async throws -> PendingApproval? {
        guard toolbox != nil else { return nil }
        let graph = try stateGraph()
        let interrupts = try await graph.getState(config: RunConfig(threadId: threadId)).tasks.flatMap(\.interrupts)
        return interrupts.lazy.compactMap { ToolApproval.pending($0.value) }.first.map {
            PendingApproval(tool: SafeText.sanitize($0.tool, keepNewlines: false), arguments: SafeText.sanitize(JSON.serialize($0.arguments), keepNewlines: false))
        }
    }

    /// Provider names the model picker offers: offline, the built-ins whose
    /// key or host is set, and every configured provider.
    public func providerChoices() -> [String] {
        var names = ["offline"]
        if environment["OPENAI_API_KEY"]?.isEmpty == false { names.append("openai") }
        if environment["ANTHROPIC_API_KEY"]?.isEmpty == false { names.append("anthropic") }
        if environment["OLLAMA_HOST"]?.isEmpty == false { names.append("ollama") }
        names += config.providers.keys.sorted()
        return names
    }

    public var defaultProvider: String { flags.provider ?? config.defaultProvider ?? ModelCatalog.defaultProvider(environment) }

    func listThreads() async throws -> [ThreadRecord] { try await threads.list() }

    /// The saved conversation as transcript entries, tool calls as tool blocks.
    func transcript(_ id: String) async throws -> [TranscriptEntry] {
        let label = try await threads.get(id)?.provider ?? "assistant"
        var calls: [String: ToolCall] = [:]
        return try await threads.transcript(id).compactMap { message in
            for call in ChatMessage(value: message)?.toolCalls ?? [] { calls[call.id] = call }
            if message["type"]?.stringValue == "tool" || message["role"]?.stringValue == "tool" {
                let call = message["tool_call_id"]?.stringValue.flatMap { calls[$0] }
                return Self.toolEntry(id: message["id"]?.stringValue ?? UUID().uuidString, name: call?.name ?? "tool",
                                      arguments: call?.arguments ?? .null, result: message["content"]?.stringValue ?? "")
            }
            return Self.entry(message, label: label)
        }
    }

    /// A tool call as a transcript block: arguments on the first line, then the result.
    static func toolEntry(id: String, name: String, arguments: Value, result: String?, status: TranscriptEntry.Status = .done) -> TranscriptEntry {
        var text = SafeText.sanitize(JSON.serialize(arguments), keepNewlines: false)
        if let result { text += "\n" + SafeText.sanitize(result) }
        return TranscriptEntry(id: id, role: .tool, label: "⚙ " + SafeText.sanitize(name, keepNewlines: false), text: text, status: status)
    }

    static func entry(_ message: Value, label: String) -> TranscriptEntry? {
        let type = message["type"]?.stringValue ?? message["role"]?.stringValue ?? ""
        let id = message["id"]?.stringValue ?? UUID().uuidString
        let content = SafeText.sanitize(message["content"]?.stringValue ?? "")
        switch type {
        case "human", "user":
            return TranscriptEntry(id: id, role: .user, label: "You", text: content)
        case "ai", "assistant":
            if content.isEmpty, message["tool_calls"] != nil { return nil }
            var status = TranscriptEntry.Status.done
            if message["status"]?.stringValue == "cancelled" { status = .cancelled }
            if message["status"]?.stringValue == "failed" { status = .failed(message["error"]?.stringValue ?? "failed") }
            return TranscriptEntry(id: id, role: .assistant, label: label, text: content, status: status)
        default:
            return nil
        }
    }

    /// Saves the draft as a thread when needed, then streams the reply.
    func reply(threadKey: String, userId: String, text: String, entryId: String, provider: String,
               send: @escaping @Sendable (Msg) -> Void) async {
        var threadId = threadKey
        if threadKey == AppModel.draft {
            do {
                let record = try await threads.create(provider: provider)
                threadId = record.id
                send(.threadCreated(record))
            } catch {
                send(.replyEnded(threadId: threadKey, entryId: entryId, .failed("cannot save the thread: \(error)")))
                return
            }
        }
        let input: Value = ["messages": [["type": "human", "content": .string(text), "id": .string(userId)]]]
        await stream(threadId: threadId, input: .state(input), entryId: entryId, provider: provider, send: send)
    }

    /// Removes the last reply and streams a new one.
    func regenerate(threadId: String, removing ids: [String], entryId: String, provider: String, send: @escaping @Sendable (Msg) -> Void) async {
        do {
            try await removeMessages(threadId: threadId, ids: ids)
        } catch {
            send(.replyEnded(threadId: threadId, entryId: entryId, .failed("\(error)")))
            return
        }
        await stream(threadId: threadId, input: .state(["messages": []]), entryId: entryId, provider: provider, send: send)
    }

    /// Answers the thread's pending tool approval and streams the rest of the reply.
    func answerApproval(threadId: String, answer: ToolApproval.Answer, entryId: String, provider: String, send: @escaping @Sendable (Msg) -> Void) async {
        await stream(threadId: threadId, input: .resume(.string(answer.rawValue)), entryId: entryId, provider: provider, send: send)
    }

    func removeMessages(threadId: String, ids: [String]) async throws {
        let graph = try stateGraph()
        let removals = ids.map { Value.object(["type": "remove", "id": .string($0)]) }
        _ = try await graph.updateState(config: RunConfig(threadId: threadId), values: ["messages": .array(removals)], asNode: replyNode)
    }

    private func stream(threadId: String, input: RunInput, entryId: String, provider: String, send: @escaping @Sendable (Msg) -> Void) async {
        var messageId = entryId
        var text = ""
        var toolStarts: [String: Double] = [:]
        let graph: CompiledGraph
        do {
            let model = try model(for: provider)
            graph = try await chatGraph(model: model)
            for line in await agentTools().unavailable { send(.notice(line)) }
        } catch {
            send(.replyEnded(threadId: threadId, entryId: entryId, .failed("\(error)")))
            return
        }
        do {
            for try await event in graph.events(input, config: RunConfig(threadId: threadId)) {
                switch event.kind {
                case .token(let content, let id) where !content.isEmpty:
                    if id != messageId { text = "" }
                    messageId = id
                    text += content
                    send(.token(threadId: threadId, entryId: id, text: content, node: event.node ?? "", step: event.step ?? 0))
                case .modelRetry(let attempt, let maxAttempts, let delay, let reason):
                    send(.retrying(threadId: threadId, ProviderRetry(attempt: attempt, maxAttempts: maxAttempts,
                                                                     at: Date().addingTimeInterval(delay), reason: reason)))
                case .toolStart(let name, let arguments):
                    toolStarts[event.id] = event.timestamp
                    send(.toolStarted(threadId: threadId, callId: event.id, name: name, arguments: arguments))
                case .toolEnd(_, let output):
                    let started = toolStarts.removeValue(forKey: event.id) ?? event.timestamp
                    send(.toolEnded(threadId: threadId, callId: event.id, output: output.stringValue ?? JSON.serialize(output),
                                    seconds: event.timestamp - started))
                default:
                    break
                }
            }
            try Task.checkCancellation()
            send(.replyEnded(threadId: threadId, entryId: messageId, .done))
            if let pending = try await pendingApproval(threadId) { send(.approvalNeeded(threadId: threadId, pending)) }
        } catch {
            let cancelled = Task.isCancelled || error is CancellationError
            // What arrived is kept, marked, in a save the cancellation does not stop.
            var partial: [String: Value] = ["type": "ai", "content": .string(text), "id": .string(messageId),
                                            "status": cancelled ? "cancelled" : "failed"]
            if !cancelled { partial["error"] = .string("\(error)") }
            let saved = partial, node = replyNode
            await Task.detached {
                _ = try? await graph.updateState(config: RunConfig(threadId: threadId), values: ["messages": [.object(saved)]], asNode: node)
            }.value
            send(.replyEnded(threadId: threadId, entryId: messageId, cancelled ? .cancelled : .failed("\(error)")))
        }
    }

    /// The chat model for a thread's provider: a provider name, or `provider/model` as `--print` saves it.
    func model(for provider: String) throws -> any ChatModel {
        if provider == flags.provider, flags.model != nil || flags.baseURL != nil {
            return try ModelCatalog.model(provider: provider, model: flags.model, baseURL: flags.baseURL, environment: environment, config: config)
        }
        var name = provider
        var model: String?
        if config.providers[name] == nil, let slash = name.firstIndex(of: "/"), ModelCatalog.providers.contains(String(name[..<slash])) {
            model = String(name[name.index(after: slash)...])
            name = String(name[..<slash])
        }
        return try ModelCatalog.model(provider: name, model: model, baseURL: nil, environment: environment, config: config)
    }
}

/// The provider flags of the command line.
public struct ProviderFlags: Sendable {
    public var provider: String?
    public var model: String?
    public var baseURL: String?

    public init(provider: String? = nil, model: String? = nil, baseURL: String? = nil) {
        self.provider = provider
        self.model = model
        self.baseURL = baseURL
    }
}

extension ChatService {
    /// Research settings: `[research]` of config.toml, else 4 branches, 4 at once.
    var researchBranches: Int { config.research.branches ?? 4 }
    var researchConcurrency: Int { config.research.maxConcurrency ?? 4 }

    /// Runs (or, with `resume`, continues) a research thread, reporting every run event.
    func research(question: String, resume threadId: String?, control: ResearchControl, send: @escaping @Sendable (Msg) -> Void) async {
        let id: String
        let graph: CompiledGraph
        do {
            let planner = try model(for: config.research.planner ?? defaultProvider)
            let researcher = try model(for: config.research.researcher ?? defaultProvider)
            let synthesizer = try model(for: config.research.synthesizer ?? defaultProvider)
            graph = try ResearchGraph.make(planner: planner, researcher: researcher, synthesizer: synthesizer, branches: researchBranches,
                                           checkpointer: checkpointer, control: control, tools: await agentTools().tools)
            if let threadId {
                id = threadId
            } else {
                let record = try await threads.create(title: question, kind: .research, provider: researcher.displayName)
                id = record.id
                send(.researchStarted(record, ResearchState(question: SafeText.sanitize(question, keepNewlines: false),
                                                            maxConcurrency: researchConcurrency, startedAt: Date())))
            }
        } catch {
            send(.notice("research: \(error)"))
            return
        }
        let input: RunInput = threadId == nil ? .state(["question": .string(question)]) : .continue
        do {
            for try await event in graph.events(input, config: RunConfig(threadId: id, maxConcurrency: researchConcurrency, tags: ["research"])) {
                send(.researchEvent(threadId: id, event))
            }
        } catch {
            // The event stream already reported the error (runError) unless the run was cancelled.
        }
    }

    /// A saved research run's state.
    func savedResearch(_ id: String) async throws -> ResearchState {
        let saved = try await checkpointer.get(threadId: id, namespace: "", id: nil)
        let values = Value.object(saved?.checkpoint.channelValues ?? [:])
        var state = ResearchState(saved: values, maxConcurrency: researchConcurrency, at: Date())
        if state.question.isEmpty, let title = try await threads.get(id)?.title { state.question = SafeText.sanitize(title, keepNewlines: false) }
        return state
    }
}
