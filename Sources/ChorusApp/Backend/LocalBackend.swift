import ChorusAgents
import ChorusAppCore
import ChorusGraph
import ChorusModels
import ChorusRuns
import ChorusSettings
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
    /// `--system` and `--max-tokens` of `--print`, for every chat reply.
    let system: String?
    let maxTokens: Int?
    /// The research command's flags, over `[research]` of config.toml.
    let researchFlags: ResearchFlags

    public init(database: ChorusDatabase, environment: [String: String], config: ChorusConfig, flags: ProviderFlags = ProviderFlags(),
                tools: [MCPServerSpec] = [], system: String? = nil, maxTokens: Int? = nil, research: ResearchFlags = ResearchFlags()) {
        self.system = system
        self.maxTokens = maxTokens
        researchFlags = research
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
        guard toolbox != nil else { return try ChatGraph.make(model: model, system: system, maxTokens: maxTokens, checkpointer: checkpointer).graph }
        let disabled = disabledTools.withLock { $0 }
        return try ReactAgent.make(model: model, tools: await agentTools().tools.filter { !disabled.contains($0.spec.name) },
                                   system: system, maxTokens: maxTokens, checkpointer: checkpointer).graph
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

    public func history(_ id: String, limit: Int) async throws -> [ThreadCheckpoint] {
        // The graph that wrote the thread says what is due after each checkpoint (its models are never called).
        let offline = OfflineChatModel()
        let graph = try await threads.get(id)?.kind == .research
            ? try ResearchGraph.make(planner: offline, researcher: offline, synthesizer: offline, branches: 1, checkpointer: checkpointer).graph
            : try stateGraph()
        // One more than asked: the oldest shown learns from the one before it which nodes wrote it.
        let read = try await graph.getStateHistory(config: RunConfig(threadId: id), limit: limit + 1).compactMap { snapshot -> ThreadCheckpoint.Read? in
            guard let checkpoint = snapshot.checkpointId, let metadata = snapshot.metadata else { return nil }
            return ThreadCheckpoint.Read(id: checkpoint, parentId: snapshot.parentCheckpointId, step: metadata.step, source: metadata.source.rawValue,
                                         next: snapshot.next, createdAt: CheckpointID.date(of: checkpoint),
                                         messageCount: snapshot.values["messages"]?.arrayValue?.count ?? 0)
        }
        return ThreadCheckpoint.history(read, limit: limit)
    }

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

    public func listThreads(includeArchived: Bool) -> AsyncThrowingStream<[ThreadRecord], any Error> {
        let threads = self.threads
        return .producing { continuation in continuation.yield(try await threads.list(includeArchived: includeArchived)) }
    }
    public func drafts() async throws -> [ThreadKey: String] { try await threads.drafts() }
    public func saveDraft(_ text: String, for key: ThreadKey) async throws { try await threads.saveDraft(text, for: key) }
    public func rename(_ id: String, to title: String) async throws { try await threads.rename(id, to: title) }
    public func delete(_ id: String) async throws { try await threads.delete(id) }
    public func archive(_ id: String) async throws { try await threads.setArchived(id, true) }
    public func setRunner(_ id: String, runner: String) async throws { try await threads.setModel(id, provider: runner, model: nil) }
    public func search(_ query: String, limit: Int) async throws -> [SearchHit] { try await threads.search(query, limit: limit) }

    /// The saved conversation as transcript entries, tool calls as tool blocks.
    public func transcript(_ id: String) async throws -> [TranscriptEntry] {
        let label = try await threads.get(id)?.provider ?? "assistant"
        return TranscriptMapping.entries(ChatMessage.messages(try await threads.transcript(id)), label: label)
    }

    public func thread(_ reference: String) async throws -> ThreadRecord { try await ThreadReference.resolve(reference, in: threads) }

    /// A chat thread records the provider that answers; a research thread, its researchers' model.
    public func createThread(title: String, kind: ThreadKind, runner: String) async throws -> ThreadRecord {
        guard kind == .research else { return try await threads.create(provider: runner) }
        return try await threads.create(title: title, kind: .research, provider: try researchModels().researcher.displayName)
    }

    public func run(threadId: String, _ start: RunStart, runner: String) -> RunUpdates {
        .producing { [self] updates in
            let graph = try await chatGraph(model: try model(for: runner))
            for line in await agentTools().unavailable { updates.yield(.warning(line)) }
            let input: RunInput = switch start {
            case .message(let message): .state(ChatGraph.State.input(message))
            case .resume(let value): .resume(value)
            case .again: .state(ChatGraph.State.input())
            }
            try await Self.stream(graph, input, config: RunConfig(threadId: threadId), keepingReplyAs: replyNode, into: updates)
        }
    }

    public func compact(threadId: String, runner: String) async throws -> Bool {
        let model = try model(for: runner)
        let conversation = ChatMessage.messages(try await threads.transcript(threadId))
        let prepared = try await ContextCompactor(model: model, strategy: model.settings.compaction)
            .compactNow(conversation, system: system, window: await model.contextWindow(probing: true), maxTokens: maxTokens)
        guard let marker = prepared.marker else { return false }
        var update = StateUpdate<ChatGraph.State>()
        update.messages = [marker]
        _ = try await stateGraph().updateState(config: RunConfig(threadId: threadId), values: update.values, asNode: replyNode)
        return true
    }

    public func removeMessages(threadId: String, ids: [String]) async throws {
        let graph = try stateGraph()
        var removal = StateUpdate<ChatGraph.State>()
        removal.removeMessages(ids, from: ChatGraph.State.messages)
        _ = try await graph.updateState(config: RunConfig(threadId: threadId), values: removal.values, asNode: replyNode)
    }

    /// Streams a run's updates. A run that stopped to ask reports its interrupts
    /// before `finished`. With `replyNode`, what arrived of a reply that is
    /// cancelled or fails is saved as that node's message, marked so, in a save
    /// the cancellation does not stop.
    static func stream(_ graph: CompiledGraph, _ input: RunInput, config: RunConfig, keepingReplyAs replyNode: String?,
                       into updates: AsyncThrowingStream<RunUpdate, any Error>.Continuation) async throws {
        var decoder = EngineRunDecoder()
        var partial = PartialReply()
        var finished: RunUpdate?
        do {
            for try await event in graph.events(input, config: config) {
                for update in decoder.decode(event) {
                    partial.add(update)
                    if case .finished = update { finished = update } else { updates.yield(update) }
                }
            }
            try Task.checkCancellation()
            let interrupts = try await graph.getState(config: config).tasks.flatMap(\.interrupts)
            if !interrupts.isEmpty { updates.yield(.interrupted(interrupts.map { RunInterrupt(value: $0.value, id: $0.id) })) }
            if let finished { updates.yield(finished) }
        } catch {
            let cancelled = Task.isCancelled || error is CancellationError
            guard let replyNode, let kept = partial.message(cancelled ? .cancelled : .failed("\(error)")) else { throw error }
            let saved = StateUpdate<ChatGraph.State> { $0.messages = [kept] }.values
            await Task.detached {
                _ = try? await graph.updateState(config: config, values: saved, asNode: replyNode)
            }.value
            throw error
        }
    }

    /// The chat model for a thread's provider: a provider name, or `provider/model` as `--print` saves it.
    func model(for provider: String) throws -> any ChatModel {
        // `--model` and `--base-url` go with `--provider`, or with the default provider when it is not given.
        if provider == flags.provider || flags.provider == nil && provider == defaultProvider, flags.model != nil || flags.baseURL != nil {
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

/// The `research` command's flags; nil leaves `[research]` of config.toml (else 4 branches, 4 at once) in charge.
public struct ResearchFlags: Sendable {
    public var branches: Int?
    public var maxConcurrency: Int?
    /// `--provider`: the provider of every role.
    public var provider: String?
    /// `--budget-tokens` / `--budget-usd`; nil parts fall back to `[research]`.
    public var budget: ResearchBudget

    public init(branches: Int? = nil, maxConcurrency: Int? = nil, provider: String? = nil, budget: ResearchBudget = ResearchBudget()) {
        self.branches = branches
        self.maxConcurrency = maxConcurrency
        self.provider = provider
        self.budget = budget
    }
}

extension LocalBackend {
    var researchBranches: Int { researchFlags.branches ?? config.research.branches ?? 4 }
    var researchConcurrency: Int { researchFlags.maxConcurrency ?? config.research.maxConcurrency ?? 4 }

    /// Each role's model: `--provider`, else the role's `[research]` provider, else the default.
    func researchModels() throws -> (planner: any ChatModel, researcher: any ChatModel, synthesizer: any ChatModel) {
        func model(_ role: String?) throws -> any ChatModel { try self.model(for: researchFlags.provider ?? role ?? defaultProvider) }
        return (try model(config.research.planner), try model(config.research.researcher), try model(config.research.synthesizer))
    }

    /// The run's budget (flags, else `[research]`); nil without one. A dollar
    /// budget needs the prices of the models it counts.
    func researchBudget() throws -> ResearchBudget? {
        let budget = ResearchBudget(tokens: researchFlags.budget.tokens ?? config.research.budgetTokens,
                                    usd: researchFlags.budget.usd ?? config.research.budgetUSD)
        guard !budget.isEmpty else { return nil }
        if budget.usd != nil {
            let models = try researchModels()
            for model in [models.planner, models.researcher] where model.settings.prices == nil {
                throw UsageError("a dollar budget needs prices for \(model.displayName): set input_usd_per_mtok and output_usd_per_mtok "
                                 + "under its [models.\"NAME\"] section (docs/context.md), or cap by tokens with --budget-tokens")
            }
        }
        return budget
    }

    public func researchState(question: String) -> ResearchState {
        ResearchState(question: SafeText.sanitize(question, keepNewlines: false), maxConcurrency: researchConcurrency, startedAt: Date())
    }

    public func research(threadId: String, question: String?, runner: String, control: ResearchControl) -> RunUpdates {
        .producing { [self] updates in
            let models = try researchModels()
            let graph = try ResearchGraph.make(planner: models.planner, researcher: models.researcher, synthesizer: models.synthesizer,
                                               branches: researchBranches, checkpointer: checkpointer, control: control,
                                               tools: await agentTools().tools, budget: try researchBudget().map(BudgetMeter.init))
            for line in await agentTools().unavailable { updates.yield(.warning(line)) }
            let input: RunInput = question.map { .state(ResearchGraph.State.input(question: $0)) } ?? .continue
            try await Self.stream(graph.graph, input, config: RunConfig(threadId: threadId, maxConcurrency: researchConcurrency, tags: ["research"]),
                                  keepingReplyAs: nil, into: updates)
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
