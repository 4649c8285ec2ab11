import ChorusAgents
import ChorusAppCore
import ChorusGraph
import ChorusRuns
import ChorusStore
import ChorusTUI

/// Where threads and runs live: the local store and engine (`LocalBackend`)
/// or a LangGraph server (`RemoteBackend`). `AppRuntime` performs every
/// effect through it, so the Elm core never knows which one it talks to.
/// Runs report what happens as `RunUpdate`s, the same from either.
public protocol ThreadBackend: Sendable {
    /// What answers in a thread, as the screen names it: "model" locally, "assistant" on a server.
    var runnerName: String { get }

    /// The thread list, most recent first; each element is the whole list so far
    /// (a server's arrives a page at a time, so its first threads show at once).
    func listThreads(includeArchived: Bool) -> AsyncThrowingStream<[ThreadRecord], any Error>
    func drafts() async throws -> [ThreadKey: String]
    /// Saves a thread's unsent input (empty text removes it).
    func saveDraft(_ text: String, for key: ThreadKey) async throws
    func transcript(_ id: String) async throws -> [TranscriptEntry]
    /// What the thread waits for before it goes on: a tool approval or an `interrupt()`'s question.
    func pendingInput(_ id: String) async throws -> PendingInput?
    /// The thread's checkpoints, newest first, at most `limit` (`threads history`).
    func history(_ id: String, limit: Int) async throws -> [ThreadCheckpoint]

    /// The thread whose id is `reference` or, uniquely, starts with it.
    func thread(_ reference: String) async throws -> ThreadRecord
    /// A new thread for `runner` to answer in.
    func createThread(title: String, kind: ThreadKind, runner: String) async throws -> ThreadRecord
    /// Runs `runner` on the thread. A run that ends well ends with `finished`;
    /// one that stops to ask reports `interrupted` first. What arrived of a
    /// reply that is cancelled or fails is saved in the thread, marked so.
    func run(threadId: String, _ start: RunStart, runner: String) -> RunUpdates
    /// Runs research on a thread of kind research: on `question`, or with nil
    /// it continues where it stopped (finished branches are not run again).
    /// Locally the research graph runs; on a server, the assistant `runner`.
    func research(threadId: String, question: String?, runner: String, control: ResearchControl) -> RunUpdates
    /// What the research view shows of a run that is about to start.
    func researchState(question: String) -> ResearchState
    func removeMessages(threadId: String, ids: [String]) async throws
    /// Compacts the thread's conversation now (`/compact`): what a model call
    /// would do when the window is full, whatever its fill. False when there
    /// was nothing to compact.
    func compact(threadId: String, runner: String) async throws -> Bool

    func rename(_ id: String, to title: String) async throws
    func delete(_ id: String) async throws
    func archive(_ id: String) async throws
    func setRunner(_ id: String, runner: String) async throws
    /// Messages containing `query`, at most `limit`.
    func search(_ query: String, limit: Int) async throws -> [SearchHit]

    func savedResearch(_ id: String) async throws -> ResearchState

    /// Lines describing each tool server's tools, for `/tools`.
    func toolReport() async -> [String]
    func toolRows() async -> [ToolRow]
    func setTool(_ name: String, enabled: Bool)
    /// Releases what the backend started (tool servers).
    func stop() async
}

extension ThreadBackend {
    /// The threads that are not archived, as the thread list shows them.
    public func listThreads() -> AsyncThrowingStream<[ThreadRecord], any Error> { listThreads(includeArchived: false) }

    /// The whole thread list, once every page has arrived.
    public func threads(includeArchived: Bool) async throws -> [ThreadRecord] {
        var all: [ThreadRecord] = []
        for try await listed in listThreads(includeArchived: includeArchived) { all = listed }
        return all
    }
}

extension AsyncThrowingStream where Failure == any Error {
    /// A stream whose elements `body` yields from a task of its own; it ends when `body` returns or throws,
    /// and cancelling the stream's consumer cancels the task.
    static func producing(_ body: @escaping @Sendable (Continuation) async throws -> Void) -> Self {
        let (stream, continuation) = makeStream(of: Element.self)
        let task = Task {
            do {
                try await body(continuation)
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }
}
