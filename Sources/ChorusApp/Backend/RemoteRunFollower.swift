import ChorusGraph
import ChorusRemote
import ChorusRuns

/// Follows one run on a LangGraph server to its end: a stream that breaks
/// off or closes while the run still runs is re-joined after its last event
/// (at most `attempts` times, each told as `rejoined`), and cancelling the
/// task cancels the run on the server.
struct RemoteRunFollower {
    let client: LangGraphClient
    let threadId: String
    /// How many times a cut stream is joined again before the run counts as failed.
    var attempts = 3

    /// How the run ended.
    enum Ending: Equatable {
        case done, cancelled
        case failed(String)
    }

    /// Streams `request`, handing every update to `handle`; a run that ends
    /// well ends with `finished` and the root graph's last state. Throws what
    /// broke the stream itself when it could not be re-joined.
    func follow(_ request: RunStreamRequest, _ handle: (RunUpdate) -> Void) async throws -> Ending {
        var stream = client.stream(threadId: threadId, request)
        var decoder = RunStreamDecoder()
        var runId: String?
        var lastEventId: String?
        var failure: String?
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
                handle(.rejoined(attempt: rejoins, of: attempts, reason: "the stream closed early"))
                stream = client.join(threadId: threadId, runId: runId, lastEventId: lastEventId)
            } catch let error as RemoteError where error.isConnectionLoss && !Task.isCancelled {
                guard let runId, rejoins < attempts else { throw error }
                rejoins += 1
                handle(.rejoined(attempt: rejoins, of: attempts, reason: "\(error)"))
                try? await Task.sleep(for: .milliseconds(300 * rejoins))
                // Without event ids the server cannot replay: what was missed is read from the thread's state at the end.
                stream = client.join(threadId: threadId, runId: runId, lastEventId: lastEventId)
            } catch {
                cancelled = Task.isCancelled || error is CancellationError
                if cancelled { break }
                throw error
            }
        }
        if cancelled || Task.isCancelled {
            // Waits for the run to end, so what the caller writes back to the thread next is not refused as busy.
            if let runId { await client.cancelDetached(threadId: threadId, runId: runId, wait: true) }
            return .cancelled
        }
        if let failure { return .failed(failure) }
        handle(.finished(state: decoder.state))
        return .done
    }
}
