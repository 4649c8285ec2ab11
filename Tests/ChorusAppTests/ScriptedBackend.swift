import ChorusAgents
import ChorusApp
import ChorusAppCore
import ChorusGraph
import ChorusRuns
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
        case retrying(RunRetry)
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
    func listThreads(includeArchived: Bool) -> AsyncThrowingStream<[ThreadRecord], any Error> { AsyncThrowingStream { $0.yield([]); $0.finish() } }
    func drafts() -> [ThreadKey: String] { [:] }
    func saveDraft(_ text: String, for key: ThreadKey) {}
    func transcript(_ id: String) -> [TranscriptEntry] { [] }
    func pendingInput(_ id: String) -> PendingInput? { nil }

    func thread(_ reference: String) throws -> ThreadRecord { throw ThreadReferenceError.unknown(reference) }

    func createThread(title: String, kind: ThreadKind, runner: String) -> ThreadRecord {
        let id = "t\(record.replies.count + 1)"
        return ThreadRecord(id: id, title: title, kind: kind, provider: runner, model: nil, archived: false, messageCount: 0, createdAt: Date(), updatedAt: Date())
    }

    func run(threadId: String, _ start: RunStart, runner: String) -> RunUpdates {
        if case .message(let message) = start { state.withLock { $0.replies.append(message.content) } }
        let steps = self.steps, state = self.state
        return .producing { updates in
            var iterator = steps.makeAsyncIterator()
            while let step = await iterator.next() {
                guard !Task.isCancelled else { break }
                switch step {
                case .tokens(let texts):
                    for text in texts { updates.yield(.token(RunToken(text: text, messageId: "ai-1", node: "model", step: 1, task: "task-1"))) }
                    state.withLock { $0.sent += texts.count }
                case .retrying(let retry):
                    updates.yield(.retrying(retry))
                    state.withLock { $0.retries += 1 }
                case .end:
                    updates.yield(.finished(state: .null))
                    return
                }
            }
            state.withLock { $0.cancelled += 1 }
            throw CancellationError()
        }
    }

    func removeMessages(threadId: String, ids: [String]) {}
    func compact(threadId: String, runner: String) -> Bool { false }
    func rename(_ id: String, to title: String) {}
    func delete(_ id: String) {}
    func archive(_ id: String) {}
    func setRunner(_ id: String, runner: String) {}
    func search(_ query: String, limit: Int) -> [SearchHit] { [] }
    func research(threadId: String, question: String?, runner: String, control: ResearchControl) -> RunUpdates { .producing { _ in } }
    func researchState(question: String) -> ResearchState { ResearchState(question: question, maxConcurrency: 1, startedAt: Date()) }
    func history(_ id: String, limit: Int) -> [ThreadCheckpoint] { [] }
    func savedResearch(_ id: String) -> ResearchState { ResearchState(question: "", maxConcurrency: 1, startedAt: Date()) }
    func toolReport() -> [String] { [] }
    func toolRows() -> [ToolRow] { [] }
    func setTool(_ name: String, enabled: Bool) {}
    func stop() {}
}
