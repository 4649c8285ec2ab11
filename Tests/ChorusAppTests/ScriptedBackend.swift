import ChorusAgents
import ChorusApp
import ChorusGraph
import ChorusStore
import ChorusSupport
import ChorusTUI
import Foundation

/// A `ThreadBackend` in memory whose replies the test writes step by step:
/// no store, no model, no network. It records what the runtime asked of it.
final class ScriptedBackend: ThreadBackend {
    enum Step: Sendable {
        /// Tokens sent one after the other, with no pause between them.
        case tokens([String])
        case retrying(ProviderRetry)
        case end
    }

    struct Record: Sendable {
        var replies: [String] = []
        var cancelled = 0
        /// Tokens and retry notices sent so far.
        var sent = 0
        var retries = 0
    }

    private let steps: AsyncStream<Step>
    private let script: AsyncStream<Step>.Continuation
    private let state = Locked(Record())

    init() { (steps, script) = AsyncStream.makeStream() }

    /// Queues what the current reply does next.
    func then(_ step: Step) { script.yield(step) }

    var record: Record { state.withLock { $0 } }

    var runnerName: String { "model" }
    func listThreads() -> AsyncThrowingStream<[ThreadRecord], any Error> { AsyncThrowingStream { $0.yield([]); $0.finish() } }
    func drafts() -> [ThreadKey: String] { [:] }
    func saveDraft(_ text: String, for key: ThreadKey) {}
    func transcript(_ id: String) -> [TranscriptEntry] { [] }
    func pendingInput(_ id: String) -> PendingInput? { nil }

    func reply(_ key: ThreadKey, userId: String, text: String, entryId: String, runner: String, send: @escaping @Sendable (Msg) -> Void) async {
        state.withLock { $0.replies.append(text) }
        var threadId = key.threadId ?? ""
        if key == .draft {
            threadId = "t\(record.replies.count)"
            send(.threadCreated(ThreadRecord(id: threadId, title: text, kind: .chat, provider: runner, model: nil, archived: false,
                                             messageCount: 0, createdAt: Date(), updatedAt: Date())))
        }
        var iterator = steps.makeAsyncIterator()
        while let step = await iterator.next() {
            guard !Task.isCancelled else { break }
            switch step {
            case .tokens(let texts):
                for text in texts { send(.token(threadId: threadId, entryId: "ai-1", text: text, node: "model", step: 1)) }
                state.withLock { $0.sent += texts.count }
            case .retrying(let retry):
                send(.retrying(threadId: threadId, retry))
                state.withLock { $0.retries += 1 }
            case .end:
                send(.replyEnded(thread: .thread(threadId), entryId: "ai-1", .done))
                return
            }
        }
        state.withLock { $0.cancelled += 1 }
        send(.replyEnded(thread: .thread(threadId), entryId: "ai-1", .cancelled))
    }

    func regenerate(threadId: String, removing ids: [String], entryId: String, runner: String, send: @escaping @Sendable (Msg) -> Void) async {}
    func answer(threadId: String, _ answer: InputAnswer, runner: String, send: @escaping @Sendable (Msg) -> Void) async {}
    func removeMessages(threadId: String, ids: [String]) {}
    func rename(_ id: String, to title: String) {}
    func delete(_ id: String) {}
    func archive(_ id: String) {}
    func setRunner(_ id: String, runner: String) {}
    func search(_ query: String) -> [SearchHit] { [] }
    func research(question: String, resume threadId: String?, control: ResearchControl, send: @escaping @Sendable (Msg) -> Void) async {}
    func savedResearch(_ id: String) -> ResearchState { ResearchState(question: "", maxConcurrency: 1, startedAt: Date()) }
    func toolReport() -> [String] { [] }
    func toolRows() -> [ToolRow] { [] }
    func setTool(_ name: String, enabled: Bool) {}
    func stop() {}
}
