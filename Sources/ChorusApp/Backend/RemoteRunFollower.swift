import ChorusRemote
import ChorusTUI

/// Follows one run on a LangGraph server to its end, for both the chat
/// reply and the research panes: a stream that breaks off or closes while
/// the run still runs is re-joined after its last event (at most
/// `attempts` times), and cancelling the task cancels the run on the server.
struct RemoteRunFollower {
    let client: LangGraphClient
    let threadId: String
    /// How many times a cut stream is joined again before the run counts as failed.
    var attempts = 3
    /// Told each time the stream is re-joined.
    let notice: (String) -> Void

    /// How the run ended, and whether the stream had to be re-joined (then
    /// events may be missing, and the thread's state says what they were).
    struct Ending {
        var outcome: ReplyOutcome
        var rejoined: Bool
        /// What broke the stream itself (rather than the run), when that ended it.
        var error: (any Error)?

        /// For commands: throws what ended the run unless it finished.
        func check() throws {
            if let error { throw error }
            switch outcome {
            case .done: return
            case .cancelled: throw CancellationError()
            case .failed(let message): throw RemoteError.runFailed(SafeText.sanitize(message, keepNewlines: false))
            }
        }
    }

    /// Streams `request`, handing every decoded update to `handle`.
    func follow(_ request: RunStreamRequest, _ handle: (RemoteRunUpdate) -> Void) async -> Ending {
        var stream = client.stream(threadId: threadId, request)
        var decoder = RunStreamDecoder()
        var runId: String?
        var lastEventId: String?
        var failure: String?
        var streamError: (any Error)?
        var rejoins = 0
        var cancelled = false
        while true {
            do {
                for try await part in stream {
                    if let id = part.id { lastEventId = id }
                    for update in decoder.decode(part) {
                        if case .started(let id) = update { runId = id }
                        if case .failed(let message) = update { failure = message }
                        handle(update)
                    }
                }
                // A stream that closed while its run still runs was cut short (as the SDK, ask the run).
                // One that closed because the reply was cancelled was not: that run is cancelled below.
                guard !Task.isCancelled, failure == nil, let runId, rejoins < attempts,
                      let status = try? await client.runStatus(threadId: threadId, runId: runId), ["pending", "running"].contains(status) else { break }
                rejoins += 1
                notice("the stream closed early; re-joining the run (\(rejoins)/\(attempts))")
                stream = client.join(threadId: threadId, runId: runId, lastEventId: lastEventId)
            } catch let error as RemoteError where error.isConnectionLoss && !Task.isCancelled {
                guard let runId, rejoins < attempts else {
                    (failure, streamError) = ("\(error)", error)
                    break
                }
                rejoins += 1
                notice("\(error); re-joining the run (\(rejoins)/\(attempts))")
                try? await Task.sleep(for: .milliseconds(300 * rejoins))
                // Without event ids the server cannot replay: what was missed is read from the thread's state at the end.
                stream = client.join(threadId: threadId, runId: runId, lastEventId: lastEventId)
            } catch {
                cancelled = Task.isCancelled || error is CancellationError
                if cancelled { break }
                (failure, streamError) = ("\(error)", error)
                break
            }
        }
        if cancelled || Task.isCancelled {
            // Waits for the run to end, so what the caller writes back to the thread next is not refused as busy.
            if let runId { await client.cancelDetached(threadId: threadId, runId: runId, wait: true) }
            return Ending(outcome: .cancelled, rejoined: rejoins > 0, error: nil)
        }
        return Ending(outcome: failure.map { .failed($0) } ?? .done, rejoined: rejoins > 0, error: streamError)
    }
}
