import ChorusAgents
import ChorusAppCore
import ChorusGraph
import ChorusModels
import ChorusRemote
import ChorusRuns
import ChorusSettings
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
    /// Unsent input, kept on this machine (nil for a command, which has none).
    private let draftStore: ThreadStore?
    /// The threads' messages as last listed, for search.
    private let listed = Locked<[String: [ChatMessage]]>([:])
    /// How many threads the list shows at most (fetched 100 at a time).
    static let listLimit = 1000

    public init(client: LangGraphClient, assistant: String, drafts: ChorusDatabase?) {
        self.client = client
        self.assistant = assistant
        draftStore = drafts.map { ThreadStore(database: $0) }
    }

    public var runnerName: String { "assistant" }

    // MARK: threads

    /// The server's threads, a page of 100 at a time (the first shows at once), up to `listLimit`.
    public func listThreads(includeArchived: Bool) -> AsyncThrowingStream<[ThreadRecord], any Error> {
        let client = self.client, listed = self.listed
        return .producing { continuation in
            var records: [ThreadRecord] = []
            var messages: [String: [ChatMessage]] = [:]
            try await Self.threads(on: client, includeArchived: includeArchived) { page in
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
            page(found.threads.filter { includeArchived || !$0.info.archived })
            offset += found.threads.count
            if found.threads.count < 100 || found.total.map({ offset >= $0 }) == true { break }
        }
    }

    /// A server thread as the thread list shows it: its title is the one the app gave it, else its first message.
    static func record(_ thread: RemoteThread) -> ThreadRecord {
        let info = thread.info, messages = thread.messages
        let title = info.title ?? messages.first { $0.role == .user }?.content
        return ThreadRecord(id: thread.id, title: title.map { SafeText.sanitize(String($0.prefix(200)), keepNewlines: false) },
                            kind: info.kind.map(ThreadKind.init(rawValue:)) == .research ? .research : .chat,
                            provider: info.assistant.map { SafeText.sanitize($0, keepNewlines: false) }, model: nil, archived: info.archived,
                            messageCount: messages.count, createdAt: thread.createdAt, updatedAt: thread.updatedAt, metadata: thread.metadata)
    }

    public func drafts() async throws -> [ThreadKey: String] { try await draftStore?.drafts() ?? [:] }
    public func saveDraft(_ text: String, for key: ThreadKey) async throws { try await draftStore?.saveDraft(text, for: key) }

    public func transcript(_ id: String) async throws -> [TranscriptEntry] {
        // The thread carries its state's values: one request.
        let thread = try await client.thread(id)
        listed.withLock { $0[id] = thread.messages }
        return TranscriptMapping.entries(thread.messages, label: Self.record(thread).provider ?? assistant)
    }

    public func history(_ id: String, limit: Int) async throws -> [ThreadCheckpoint] {
        // One more than asked: the oldest shown learns from the one before it which nodes wrote it.
        let read = try await client.history(id, limit: min(1000, limit + 1)).map { checkpoint in
            ThreadCheckpoint.Read(id: checkpoint.id, parentId: checkpoint.parentId, step: checkpoint.step, source: checkpoint.source,
                                  next: checkpoint.next, createdAt: checkpoint.createdAt,
                                  messageCount: checkpoint.values["messages"]?.arrayValue?.count ?? 0)
        }
        return ThreadCheckpoint.history(read, limit: limit)
    }

    public func pendingInput(_ id: String) async throws -> PendingInput? {
        try await client.state(id).interrupts.first.map { .question(PendingInput.prompt($0.value)) }
    }


    public func rename(_ id: String, to title: String) async throws { try await client.updateThread(id, metadata: ThreadMetadata(title: title).wire) }
    public func delete(_ id: String) async throws { try await client.deleteThread(id) }
    public func archive(_ id: String) async throws { try await client.updateThread(id, metadata: ThreadMetadata.archiving(true)) }
    public func setRunner(_ id: String, runner: String) async throws { try await client.updateThread(id, metadata: ThreadMetadata(assistant: runner).wire) }

    /// The API has no full-text search: the messages of the threads as last listed are
    /// searched here, or, when none were listed yet, those of every thread.
    public func search(_ query: String, limit: Int) async throws -> [SearchHit] {
        var threads = listed.withLock { $0 }.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        if threads.isEmpty {
            try await Self.threads(on: client, includeArchived: true) { page in threads += page.map { ($0.id, $0.messages) } }
        }
        return Self.search(query, in: threads, limit: limit)
    }

    /// Messages containing `query` (case and accents ignored), thread by thread, at most `limit`.
    static func search(_ query: String, in threads: [(id: String, messages: [ChatMessage])], limit: Int) -> [SearchHit] {
        let needle = query.trimmingCharacters(in: .whitespaces)
        guard !needle.isEmpty else { return [] }
        var hits: [SearchHit] = []
        for (threadId, messages) in threads {
            for message in messages {
                let text = message.content
                guard let range = text.range(of: needle, options: [.caseInsensitive, .diacriticInsensitive]) else { continue }
                let before = text[..<range.lowerBound].suffix(30), after = text[range.upperBound...].prefix(30)
                let snippet = (before.count == 30 ? "…" : "") + before + "[" + text[range] + "]" + after + (after.count == 30 ? "…" : "")
                hits.append(SearchHit(threadId: threadId, messageId: message.id, role: message.type,
                                      snippet: SafeText.sanitize(snippet, keepNewlines: false)))
                if hits.count == limit { return hits }
            }
        }
        return hits
    }

    // MARK: runs

    /// An exact id is asked for directly; a prefix is looked for among the listed threads.
    public func thread(_ reference: String) async throws -> ThreadRecord {
        guard !reference.isEmpty else { throw ThreadReferenceError.unknown(reference) }
        if let exact = try? await client.thread(reference) { return Self.record(exact) }
        let matches = try await threads(includeArchived: true).filter { $0.id.hasPrefix(reference) }
        return try ThreadReference.pick(reference, among: matches)
    }

    /// A thread that remembers its title and assistant in its metadata; research needs the server's `research` assistant.
    public func createThread(title: String, kind: ThreadKind, runner: String) async throws -> ThreadRecord {
        var metadata = ThreadMetadata(title: String(title.split(separator: "\n").first?.prefix(80) ?? ""), assistant: runner)
        if kind == .research {
            guard try await client.assistants().contains(where: { $0.graphId == runner || $0.id == runner }) else {
                throw RemoteError.runFailed("this server has no 'research' assistant; a message to a graph that fans out shows its branches in panes")
            }
            (metadata.title, metadata.kind) = (title, ThreadKind.research.rawValue)
        }
        return Self.record(try await client.createThread(metadata: metadata.wire))
    }

    public func run(threadId: String, _ start: RunStart, runner: String) -> RunUpdates {
        let request: RunStreamRequest = switch start {
        case .message(let message): RunStreamRequest(assistant: runner, start: .input(ChatGraph.State.input(message)))
        case .resume(let value): RunStreamRequest(assistant: runner, start: .resume(value))
        case .again: RunStreamRequest(assistant: runner, start: .input(ChatGraph.State.input()))
        }
        return follow(threadId: threadId, request, keepingReply: true)
    }

    /// Research runs the `research` assistant (as `chorus serve` offers it) on `{"question": …}`; another
    /// assistant (`--assistant`) gets the question as a message and its branches are whatever it fans out to.
    public func research(threadId: String, question: String?, runner assistant: String, control: ResearchControl) -> RunUpdates {
        let start: RunStreamRequest.Start = switch question {
        case nil: .proceed
        case let question? where assistant == "research": .input(ResearchGraph.State.input(question: question))
        case let question?: .input(ChatGraph.State.input(ChatMessage(role: .user, content: question, id: "user-" + UUID().uuidString.lowercased())))
        }
        var request = RunStreamRequest(assistant: assistant, start: start)
        request.modes.append("tasks")
        return follow(threadId: threadId, request, keepingReply: false)
    }

    /// A server's graph compacts its own threads (as `chorus serve`'s do when the window fills).
    public func compact(threadId: String, runner: String) async throws -> Bool {
        throw UsageError("/compact works on local threads: on a server, its graph compacts the conversation when the model's window fills")
    }

    public func removeMessages(threadId: String, ids: [String]) async throws {
        var removal = StateUpdate<ChatGraph.State>()
        removal.removeMessages(ids, from: ChatGraph.State.messages)
        try await client.updateState(threadId, values: .object(removal.values), asNode: nil)
    }

    /// Streams a run's updates (see `RemoteRunFollower`). With `keepingReply`, what arrived of a
    /// reply that is cancelled is written to the server's thread, marked cancelled as a local thread keeps it.
    private func follow(threadId: String, _ request: RunStreamRequest, keepingReply: Bool) -> RunUpdates {
        let client = self.client
        return .producing { updates in
            var partial = PartialReply()
            let follower = RemoteRunFollower(client: client, threadId: threadId)
            let ending = try await follower.follow(request) { update in
                partial.add(update)
                updates.yield(update)
            }
            switch ending {
            case .done: return
            case .failed(let message): throw RemoteError.runFailed(message)
            case .cancelled:
                if keepingReply, let message = partial.message(.cancelled),
                   let failure = await Self.keep(message, asNode: partial.node, threadId: threadId, client: client) {
                    updates.yield(.warning("the cancelled reply could not be kept on the server: \(failure)"))
                }
                throw CancellationError()
            }
        }
    }

    /// Writes what arrived of a cancelled reply to the server's thread, as the
    /// node that was writing it (its edges then lead where that node's would),
    /// from a task of its own since the caller was just cancelled. Returns why it could not.
    private static func keep(_ message: ChatMessage, asNode node: String?, threadId: String, client: LangGraphClient) async -> String? {
        let values: Value = [ChatGraph.State.messages.name: [message.langChainValue]]
        return await Task.detached { () -> String? in
            do {
                try await client.updateState(threadId, values: values, asNode: node)
                return nil
            } catch {
                return "\(error)"
            }
        }.value
    }

    // MARK: research

    public func researchState(question: String) -> ResearchState {
        var state = ResearchState(question: SafeText.sanitize(question, keepNewlines: false), maxConcurrency: 0, startedAt: Date())
        state.onServer = true
        return state
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
