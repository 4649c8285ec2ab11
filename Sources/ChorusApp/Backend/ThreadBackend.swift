import ChorusAgents
import ChorusGraph
import ChorusStore
import ChorusTUI

/// Where threads and runs live: the local store and engine (`LocalBackend`)
/// or a LangGraph server (`RemoteBackend`). `AppRuntime` performs every
/// effect through it, so the Elm core never knows which one it talks to.
/// Replies report what happens as `Msg`s through `send`.
public protocol ThreadBackend: Sendable {
    /// What answers in a thread, as the screen names it: "model" locally, "assistant" on a server.
    var runnerName: String { get }

    /// The thread list, most recent first; each element is the whole list so far
    /// (a server's arrives a page at a time, so its first threads show at once).
    func listThreads() -> AsyncThrowingStream<[ThreadRecord], any Error>
    func drafts() async throws -> [ThreadKey: String]
    /// Saves a thread's unsent input (empty text removes it).
    func saveDraft(_ text: String, for key: ThreadKey) async throws
    func transcript(_ id: String) async throws -> [TranscriptEntry]
    /// What the thread waits for before it goes on: a tool approval or an `interrupt()`'s question.
    func pendingInput(_ id: String) async throws -> PendingInput?

    /// Saves the draft as a thread when needed, then streams the reply.
    func reply(_ key: ThreadKey, userId: String, text: String, entryId: String, runner: String, send: @escaping @Sendable (Msg) -> Void) async
    /// Removes the last reply and streams a new one.
    func regenerate(threadId: String, removing ids: [String], entryId: String, runner: String, send: @escaping @Sendable (Msg) -> Void) async
    /// Answers what the thread waits for and streams the rest of the run.
    func answer(threadId: String, _ answer: InputAnswer, runner: String, send: @escaping @Sendable (Msg) -> Void) async
    func removeMessages(threadId: String, ids: [String]) async throws

    func rename(_ id: String, to title: String) async throws
    func delete(_ id: String) async throws
    func archive(_ id: String) async throws
    func setRunner(_ id: String, runner: String) async throws
    func search(_ query: String) async throws -> [SearchHit]

    /// Runs (or, with `resume`, continues) a research run, reporting every event.
    func research(question: String, resume threadId: String?, control: ResearchControl, send: @escaping @Sendable (Msg) -> Void) async
    func savedResearch(_ id: String) async throws -> ResearchState

    /// Lines describing each tool server's tools, for `/tools`.
    func toolReport() async -> [String]
    func toolRows() async -> [ToolRow]
    func setTool(_ name: String, enabled: Bool)
    /// Releases what the backend started (tool servers).
    func stop() async
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

/// What a thread waits for before its run goes on.
public enum PendingInput: Sendable, Equatable {
    /// A tool that can change things waits for y / n / a.
    case approval(PendingApproval)
    /// A graph's `interrupt()` shows this and waits for a typed answer.
    case question(String)
}

/// The user's answer to a `PendingInput`.
public enum InputAnswer: Sendable, Equatable {
    case approval(ToolApproval.Answer)
    case text(String)

    /// What the run is resumed with (`Command(resume:)`).
    var resumeValue: Value {
        switch self {
        case .approval(let verdict): .string(verdict.rawValue)
        case .text(let text): .string(text)
        }
    }
}
