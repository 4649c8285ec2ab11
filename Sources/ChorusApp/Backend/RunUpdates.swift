import ChorusGraph
import ChorusModels
import ChorusRuns

/// How a run starts on a thread.
public enum RunStart: Sendable, Equatable {
    /// With the user's message.
    case message(ChatMessage)
    /// With the answer to what the thread waits for (`Command(resume:)`).
    case resume(Value)
    /// From the thread's state as it is (after its last reply was removed).
    case again
}

/// A run's updates as a backend streams them. Stopping the iteration (or
/// cancelling the task that iterates) stops the run; `settled()` then waits
/// until the backend is done with it: what arrived of a cancelled reply is saved.
public struct RunUpdates: AsyncSequence, Sendable {
    public typealias Element = RunUpdate
    private let stream: AsyncThrowingStream<RunUpdate, any Error>
    private let work: Task<Void, Never>

    /// Updates that `body` yields from a task of its own; they end when `body` returns or throws.
    public static func producing(_ body: @escaping @Sendable (AsyncThrowingStream<RunUpdate, any Error>.Continuation) async throws -> Void) -> RunUpdates {
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: RunUpdate.self)
        let work = Task {
            do {
                try await body(continuation)
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in work.cancel() }
        return RunUpdates(stream: stream, work: work)
    }

    /// Updates that fail at once: the run could not start.
    static func failing(_ error: any Error) -> RunUpdates { producing { _ in throw error } }

    public func makeAsyncIterator() -> AsyncThrowingStream<RunUpdate, any Error>.AsyncIterator { stream.makeAsyncIterator() }

    /// Waits until the backend is done with the run, including saving what a cancelled run left.
    public func settled() async { await work.value }
}
