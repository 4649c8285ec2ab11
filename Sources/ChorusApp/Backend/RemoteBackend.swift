import ChorusAgents
import ChorusGraph
import ChorusModels
import ChorusRemote
import ChorusStore
import ChorusSupport
import ChorusTUI
import Foundation

/// Threads and runs on a LangGraph server (LangGraph Platform, `langgraph dev`,
/// `chorus serve`): the thread list from threads search, transcripts from the
/// threads' state, replies streamed from runs. Unsent input stays in the local
/// database. A stream that breaks off is re-joined where it stopped.
public final class RemoteBackend: ThreadBackend {
    public let client: LangGraphClient
    /// The assistant (graph name) a new thread runs.
    private let assistant: String
    /// Unsent input, kept on this machine.
    private let draftStore: ThreadStore
    /// The threads' messages as last listed, for search.
    private let listed = Locked<[String: [Value]]>([:])
    /// How many threads the list shows at most (fetched 100 at a time).
    static let listLimit = 1000

    public init(client: LangGraphClient, assistant: String, drafts: ChorusDatabase) {
        self.client = client
        self.assistant = assistant
        draftStore = ThreadStore(database: drafts)
    }

    public var runnerName: String { "assistant" }

    // MARK: threads

    /// The server's threads, a page of 100 at a time (the first shows at once), up to `listLimit`.
    public func listThreads() -> AsyncThrowingStream<[ThreadRecord], any Error> {
        let client = self.client, listed = self.listed
        return .producing { continuation in
            var records: [ThreadRecord] = []
            var messages: [String: [Value]] = [:]
            try await Self.threads(on: client, includeArchived: false) { page in
                records += page.map(Self.record)
                for thread in page { messages[thread.id] = thread.messages }
                continuation.yield(records)
            }
            listed.withLock { $0 = messages }
        }
    }

    /// The server's threads, most recently updated first, fetched 100 at a time up to `listLimit`; `page` gets each page.
    static func threads(on client: LangGraphClient, includeArchived: Bool, page: ([RemoteThread]) -> Void = { _ in }) async throws {
        var offset = 0
        while offset < listLimit {
            let found = try await client.threads(limit: 100, offset: offset)
            page(found.threads.filter { includeArchived || $0.metadata["archived"] != .bool(true) })
            offset += found.threads.count
            if found.threads.count < 100 || found.total.map({ offset >= $0 }) == true { break }
        }
    }

    /// A server thread as the thread list shows it: its title is the one the app gave it, else its first message.
    static func record(_ thread: RemoteThread) -> ThreadRecord {
        let firstMessage = thread.messages.first { ["human", "user"].contains($0["type"]?.stringValue ?? $0["role"]?.stringValue ?? "") }
        let title = thread.metadata["title"]?.stringValue ?? firstMessage.map { ChatMessage.text(ofContent: $0["content"]) }
        let kind: ThreadKind = thread.metadata["chorus_kind"]?.stringValue.map(ThreadKind.init(rawValue:)) == .research ? .research : .chat
        let assistant = thread.metadata["chorus_assistant"]?.stringValue ?? thread.metadata["graph_id"]?.stringValue
        return ThreadRecord(id: thread.id, title: title.map { SafeText.sanitize(String($0.prefix(200)), keepNewlines: false) }, kind: kind,
                            provider: assistant.map { SafeText.sanitize($0, keepNewlines: false) }, model: nil,
                            archived: thread.metadata["archived"] == .bool(true),
                            messageCount: thread.messages.count, createdAt: thread.createdAt, updatedAt: thread.updatedAt, metadata: thread.metadata)
    }

    public func drafts() async throws -> [ThreadKey: String] { try await draftStore.drafts() }
    public func saveDraft(_ text: String, for key: ThreadKey) async throws { try await draftStore.saveDraft(text, for: key) }

    public func transcript(_ id: String) async throws -> [TranscriptEntry] {
        // The thread carries its state's values: one request.
        let thread = try await client.thread(id)
        listed.withLock { $0[id] = thread.messages }
        return TranscriptMapping.entries(thread.messages, label: Self.record(thread).provider ?? assistant)
    }

    public func pendingInput(_ id: String) async throws -> PendingInput? {
        try await client.state(id).interrupts.first.map { .question(Self.prompt($0.value)) }
    }

    /// An interrupt's value as one line: its text, or its JSON.
    static func prompt(_ value: Value) -> String {
        SafeText.sanitize(value.stringValue ?? JSON.serialize(value), keepNewlines: false)
    }

    public func rename(_ id: String, to title: String) async throws { try await client.updateThread(id, metadata: ["title": .string(title)]) }
    public func delete(_ id: String) async throws { try await client.deleteThread(id) }
    public func archive(_ id: String) async throws { try await client.updateThread(id, metadata: ["archived": true]) }
    public func setRunner(_ id: String, runner: String) async throws { try await client.updateThread(id, metadata: ["chorus_assistant": .string(runner)]) }

    /// Searches the messages of the threads as last listed (the API has no full-text search).
    public func search(_ query: String) async throws -> [SearchHit] {
        Self.search(query, in: listed.withLock { $0 }.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }, limit: 30)
    }

    /// Messages containing `query` (case and accents ignored), thread by thread, at most `limit`.
    static func search(_ query: String, in threads: [(id: String, messages: [Value])], limit: Int) -> [SearchHit] {
        let needle = query.trimmingCharacters(in: .whitespaces)
        guard !needle.isEmpty else { return [] }
        var hits: [SearchHit] = []
        for (threadId, messages) in threads {
            for message in messages {
                let text = ChatMessage.text(ofContent: message["content"])
                guard let range = text.range(of: needle, options: [.caseInsensitive, .diacriticInsensitive]) else { continue }
                let before = text[..<range.lowerBound].suffix(30), after = text[range.upperBound...].prefix(30)
                let snippet = (before.count == 30 ? "…" : "") + before + "[" + text[range] + "]" + after + (after.count == 30 ? "…" : "")
                hits.append(SearchHit(threadId: threadId, messageId: message["id"]?.stringValue ?? "", role: message["type"]?.stringValue ?? "",
                                      snippet: SafeText.sanitize(snippet, keepNewlines: false)))
                if hits.count == limit { return hits }
            }
        }
        return hits
    }

    // MARK: runs

    public func reply(_ key: ThreadKey, userId: String, text: String, entryId: String, runner: String, send: @escaping @Sendable (Msg) -> Void) async {
        let threadId: String
        if let id = key.threadId {
            threadId = id
        } else {
            do {
                let title = String(text.split(separator: "\n").first?.prefix(80) ?? "")
                let thread = try await client.createThread(metadata: ["title": .string(title), "chorus_assistant": .string(runner)])
                threadId = thread.id
                send(.threadCreated(Self.record(thread)))
            } catch {
                send(.replyEnded(thread: key, entryId: entryId, .failed("cannot create the thread: \(error)")))
                return
            }
        }
        let input = ChatGraph.State.input(ChatMessage(role: .user, content: text, id: userId))
        await run(threadId: threadId, RunStreamRequest(assistant: runner, start: .input(input)), entryId: entryId, send: send)
    }

    public func regenerate(threadId: String, removing ids: [String], entryId: String, runner: String, send: @escaping @Sendable (Msg) -> Void) async {
        do {
            try await removeMessages(threadId: threadId, ids: ids)
        } catch {
            send(.replyEnded(thread: .thread(threadId), entryId: entryId, .failed("\(error)")))
            return
        }
        await run(threadId: threadId, RunStreamRequest(assistant: runner, start: .input(ChatGraph.State.input())), entryId: entryId, send: send)
    }

    public func answer(threadId: String, _ answer: InputAnswer, runner: String, send: @escaping @Sendable (Msg) -> Void) async {
        await run(threadId: threadId, RunStreamRequest(assistant: runner, start: .resume(answer.resumeValue)), entryId: "", send: send)
    }

    public func removeMessages(threadId: String, ids: [String]) async throws {
        var removal = StateUpdate<ChatGraph.State>()
        removal.removeMessages(ids, from: ChatGraph.State.messages)
        try await client.updateState(threadId, values: .object(removal.values), asNode: nil)
    }

    /// Streams a run into `Msg`s (see `RemoteRunFollower`: a cut stream is
    /// re-joined, the partial reply staying on screen; cancelling the task
    /// cancels the run on the server).
    private func run(threadId: String, _ request: RunStreamRequest, entryId: String, send: @escaping @Sendable (Msg) -> Void) async {
        let coalescer = MsgCoalescer(send: send)
        let send = coalescer.other
        var messageId = entryId
        // The reply as it arrived, and the node writing it, to keep on the server if it is cancelled.
        var partial = "", replyNode: String?
        var interrupts: [RemoteInterrupt] = []
        var toolStarts: [String: ContinuousClock.Instant] = [:]
        let follower = RemoteRunFollower(client: client, threadId: threadId) { send(.notice($0)) }
        let ending = await follower.follow(request) { update in
            if let event = FanOutEvent(update) { return coalescer.token(.fanOut(threadId: threadId, event)) }
            switch update {
            case .token(let text, let id, let node, let step):
                if !id.isEmpty, id != messageId { (messageId, partial) = (id, "") }
                partial += text
                replyNode = node.isEmpty ? replyNode : node
                coalescer.token(.token(threadId: threadId, entryId: messageId, text: text, node: node, step: step))
            case .toolCalled(let id, let name, let arguments):
                toolStarts[id] = .now
                send(.toolStarted(threadId: threadId, callId: id, name: name, arguments: arguments))
            case .toolReturned(let id, let output):
                let seconds = toolStarts.removeValue(forKey: id).map { (ContinuousClock.now - $0) / .seconds(1) } ?? 0
                send(.toolEnded(threadId: threadId, callId: id, output: output, seconds: seconds))
            case .interrupted(let found): interrupts = found
            case .started, .failed, .values, .custom, .branchOpened, .branchToken, .branchesDone, .answerToken: break
            }
        }
        send(.replyEnded(thread: .thread(threadId), entryId: messageId, ending.outcome))
        guard ending.outcome != .cancelled else {
            await keepCancelledReply(partial, id: messageId, node: replyNode, threadId: threadId, send: send)
            return
        }
        if ending.rejoined, ending.outcome == .done, let entries = try? await transcript(threadId) {
            send(.transcriptLoaded(threadId: threadId, entries))
        }
        if let first = interrupts.first { send(.inputNeeded(threadId: threadId, .question(Self.prompt(first.value)))) }
    }

    /// Writes what arrived of a cancelled reply to the server's thread, marked
    /// cancelled as a local thread keeps it, so the thread holds what the user
    /// saw. Written as the node that was writing it (its edges then lead where
    /// that node's would); from a task of its own, since the caller was just cancelled.
    private func keepCancelledReply(_ text: String, id: String, node: String?, threadId: String, send: @escaping @Sendable (Msg) -> Void) async {
        guard !text.isEmpty else { return }
        let message = ChatMessage(role: .assistant, content: text, id: id.isEmpty ? "cancelled-" + UUID().uuidString.lowercased() : id, status: .cancelled)
        let client = self.client
        let values: Value = [ChatGraph.State.messages.name: [message.langChainValue]]
        let failure = await Task.detached { () -> String? in
            do {
                try await client.updateState(threadId, values: values, asNode: node)
                return nil
            } catch {
                return "\(error)"
            }
        }.value
        if let failure { send(.notice("the cancelled reply could not be kept on the server: \(failure)")) }
    }

    // MARK: research

    /// Research on a server runs its `research` assistant (as `chorus serve` offers it) on `{"question": …}`.
    public func research(question: String, resume threadId: String?, control: ResearchControl, send: @escaping @Sendable (Msg) -> Void) async {
        let id: String
        do {
            if let threadId {
                id = threadId
            } else {
                guard try await client.assistants().contains(where: { $0.graphId == "research" }) else {
                    send(.notice("this server has no 'research' assistant; a message to a graph that fans out shows its branches in panes"))
                    return
                }
                let thread = try await client.createThread(metadata: ["title": .string(question), "chorus_kind": "research", "chorus_assistant": "research"])
                id = thread.id
                var state = ResearchState(question: SafeText.sanitize(question, keepNewlines: false), maxConcurrency: 0, startedAt: Date())
                state.onServer = true
                send(.researchStarted(Self.record(thread), state))
            }
        } catch {
            send(.notice("research: \(error)"))
            return
        }
        let start: RunStreamRequest.Start = threadId == nil ? .input(ResearchGraph.State.input(question: question)) : .proceed
        let outcome = await fanOut(threadId: id, RunStreamRequest(assistant: "research", start: start), send: send)
        send(.fanOut(threadId: id, .ended(outcome)))
    }

    /// Streams a research run's branches and answer (re-joined when cut, as a reply is).
    private func fanOut(threadId: String, _ request: RunStreamRequest, send: @escaping @Sendable (Msg) -> Void) async -> ReplyOutcome {
        let coalescer = MsgCoalescer(send: send)
        defer { coalescer.flush() }
        let token = coalescer.token
        let follower = RemoteRunFollower(client: client, threadId: threadId) { coalescer.other(.notice($0)) }
        return await follower.follow(request) { update in
            if let event = FanOutEvent(update) { return token(.fanOut(threadId: threadId, event)) }
            // Before the branches, `token` is the planner writing the plan, which the panes show.
            if case .values(let values) = update, let answer = (try? StateView<ResearchGraph.State>(values).answer) ?? nil, !answer.isEmpty {
                token(.fanOut(threadId: threadId, .finalAnswer(answer)))
            }
        }.outcome
    }

    public func savedResearch(_ id: String) async throws -> ResearchState {
        var state = ResearchState(saved: try await client.state(id).values, maxConcurrency: 0, at: Date())
        state.onServer = true
        return state
    }

    // MARK: tools: a server's graphs bring their own

    public func toolReport() async -> [String] { ["tools run on the server: its graphs bring their own"] }
    public func toolRows() async -> [ToolRow] { [] }
    public func setTool(_ name: String, enabled: Bool) {}
    public func stop() async {}
}

extension FanOutEvent {
    /// What a decoded update of a run that fans out means for its panes; nil for any other update.
    fileprivate init?(_ update: RemoteRunUpdate) {
        switch update {
        case .branchOpened(let branch): self = .opened(branch)
        case .branchToken(let branch, let text): self = .token(branch: branch, text: text)
        case .branchesDone: self = .branchesDone
        case .answerToken(let text): self = .answer(text)
        default: return nil
        }
    }
}
