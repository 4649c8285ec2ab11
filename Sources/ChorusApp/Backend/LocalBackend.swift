import ChorusAgents
import ChorusGraph
import ChorusModels
import ChorusStore
import ChorusSupport
import ChorusTools
import ChorusTUI
import Foundation

/// Threads in the local database, replies from the in-process engine: the
/// chat graph on the configured providers, with the configured MCP tools.
public final class LocalBackend: ThreadBackend {
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
    public func setTool(_ name: String, enabled: Bool) {
        disabledTools.withLock { if enabled { $0.remove(name) } else { $0.insert(name) } }
    }

    /// Every server's tools for the tools overlay.
    public func toolRows() async -> [ToolRow] {
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
    public func toolReport() async -> [String] {
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
    public func stop() async { await toolbox?.stop() }

    /// The chat graph: the ReAct agent when tools are configured, else one
    /// model call. Both keep the conversation under `ChatGraph.State.messages`.
    func chatGraph(model: any ChatModel) async throws -> CompiledGraph {
        guard toolbox != nil else { return try ChatGraph.make(model: model, checkpointer: checkpointer).graph }
        let disabled = disabledTools.withLock { $0 }
        return try ReactAgent.make(model: model, tools: await agentTools().tools.filter { !disabled.contains($0.spec.name) },
                                   checkpointer: checkpointer).graph
    }

    /// The chat graph's shape, for reading and editing a thread's state: its
    /// nodes and channels depend on neither the model nor the tools, so no
    /// MCP server is started for it.
    private func stateGraph() throws -> CompiledGraph {
        guard toolbox != nil else { return try ChatGraph.make(model: OfflineChatModel(), checkpointer: checkpointer).graph }
        return try ReactAgent.make(model: OfflineChatModel(), tools: [], checkpointer: checkpointer).graph
    }

    /// The node a reply's saved message is written as (`updateState(asNode:)`).
    private var replyNode: String { (toolbox == nil ? ChatGraph.model : ReactAgent.agent).rawValue }

    /// The tool call a thread waits to have approved, if any.
    public func pendingInput(_ threadId: String) async throws -> PendingInput? {
        guard toolbox != nil else { return nil }
        let graph = try stateGraph()
        let interrupts = try await graph.getState(config: RunConfig(threadId: threadId)).tasks.flatMap(\.interrupts)
        return interrupts.lazy.compactMap { ToolApproval.Request(interrupt: $0.value) }.first.map {
            .approval(PendingApproval(tool: SafeText.sanitize($0.tool, keepNewlines: false),
                                      arguments: SafeText.sanitize(JSON.serialize($0.arguments), keepNewlines: false)))
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

    public var runnerName: String { "model" }

    public func listThreads() -> AsyncThrowingStream<[ThreadRecord], any Error> {
        let threads = self.threads
        return .producing { continuation in continuation.yield(try await threads.list()) }
    }
    public func drafts() async throws -> [ThreadKey: String] { try await threads.drafts() }
    public func saveDraft(_ text: String, for key: ThreadKey) async throws { try await threads.saveDraft(text, for: key) }
    public func rename(_ id: String, to title: String) async throws { try await threads.rename(id, to: title) }
    public func delete(_ id: String) async throws { try await threads.delete(id) }
    public func archive(_ id: String) async throws { try await threads.setArchived(id, true) }
    public func setRunner(_ id: String, runner: String) async throws { try await threads.setModel(id, provider: runner, model: nil) }
    public func search(_ query: String) async throws -> [SearchHit] { try await threads.search(query, limit: 30) }

    /// The saved conversation as transcript entries, tool calls as tool blocks.
    public func transcript(_ id: String) async throws -> [TranscriptEntry] {
        let label = try await threads.get(id)?.provider ?? "assistant"
        return TranscriptMapping.entries(try await threads.transcript(id), label: label)
    }

    /// Saves the draft as a thread when needed, then streams the reply.
    public func reply(_ key: ThreadKey, userId: String, text: String, entryId: String, runner provider: String,
                      send: @escaping @Sendable (Msg) -> Void) async {
        let threadId: String
        if let id = key.threadId {
            threadId = id
        } else {
            do {
                let record = try await threads.create(provider: provider)
                threadId = record.id
                send(.threadCreated(record))
            } catch {
                send(.replyEnded(thread: key, entryId: entryId, .failed("cannot save the thread: \(error)")))
                return
            }
        }
        let input = ChatGraph.State.input(ChatMessage(role: .user, content: text, id: userId))
        await stream(threadId: threadId, input: .state(input), entryId: entryId, provider: provider, send: send)
    }

    /// Removes the last reply and streams a new one.
    public func regenerate(threadId: String, removing ids: [String], entryId: String, runner provider: String,
                           send: @escaping @Sendable (Msg) -> Void) async {
        do {
            try await removeMessages(threadId: threadId, ids: ids)
        } catch {
            send(.replyEnded(thread: .thread(threadId), entryId: entryId, .failed("\(error)")))
            return
        }
        await stream(threadId: threadId, input: .state(ChatGraph.State.input()), entryId: entryId, provider: provider, send: send)
    }

    /// Answers the thread's pending tool approval (or interrupt) and streams the rest of the reply.
    public func answer(threadId: String, _ answer: InputAnswer, runner provider: String, send: @escaping @Sendable (Msg) -> Void) async {
        await stream(threadId: threadId, input: .resume(answer.resumeValue), entryId: "", provider: provider, send: send)
    }

    public func removeMessages(threadId: String, ids: [String]) async throws {
        let graph = try stateGraph()
        var removal = StateUpdate<ChatGraph.State>()
        removal.removeMessages(ids, from: ChatGraph.State.messages)
        _ = try await graph.updateState(config: RunConfig(threadId: threadId), values: removal.values, asNode: replyNode)
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
            send(.replyEnded(thread: .thread(threadId), entryId: entryId, .failed("\(error)")))
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
            send(.replyEnded(thread: .thread(threadId), entryId: messageId, .done))
            if let pending = try await pendingInput(threadId) { send(.inputNeeded(threadId: threadId, pending)) }
        } catch {
            let cancelled = Task.isCancelled || error is CancellationError
            // What arrived is kept, marked, in a save the cancellation does not stop.
            let partial = ChatMessage(role: .assistant, content: text, id: messageId, status: cancelled ? .cancelled : .failed("\(error)"))
            let saved = StateUpdate<ChatGraph.State> { $0.messages = [partial] }.values, node = replyNode
            await Task.detached {
                _ = try? await graph.updateState(config: RunConfig(threadId: threadId), values: saved, asNode: node)
            }.value
            send(.replyEnded(thread: .thread(threadId), entryId: messageId, cancelled ? .cancelled : .failed("\(error)")))
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

extension LocalBackend {
    /// Research settings: `[research]` of config.toml, else 4 branches, 4 at once.
    var researchBranches: Int { config.research.branches ?? 4 }
    var researchConcurrency: Int { config.research.maxConcurrency ?? 4 }

    /// Runs (or, with `resume`, continues) a research thread, reporting every run event.
    public func research(question: String, resume threadId: String?, control: ResearchControl, send: @escaping @Sendable (Msg) -> Void) async {
        let id: String
        let graph: TypedCompiledGraph<ResearchGraph.State>
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
        let input: RunInput = threadId == nil ? .state(ResearchGraph.State.input(question: question)) : .continue
        do {
            for try await event in graph.events(input, config: RunConfig(threadId: id, maxConcurrency: researchConcurrency, tags: ["research"])) {
                send(.researchEvent(threadId: id, event))
            }
        } catch {
            // The event stream already reported the error (runError) unless the run was cancelled.
        }
    }

    /// A saved research run's state.
    public func savedResearch(_ id: String) async throws -> ResearchState {
        let saved = try await checkpointer.get(threadId: id, namespace: "", id: nil)
        let values = Value.object(saved?.checkpoint.channelValues ?? [:])
        var state = ResearchState(saved: values, maxConcurrency: researchConcurrency, at: Date())
        if state.question.isEmpty, let title = try await threads.get(id)?.title { state.question = SafeText.sanitize(title, keepNewlines: false) }
        return state
    }
}
