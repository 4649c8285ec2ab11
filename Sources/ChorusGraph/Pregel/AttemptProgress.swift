import ChorusSupport
/// The last sign of life of a node attempt under a `TimeoutPolicy`, and
/// whether the attempt is over. Output of an attempt that timed out, made
/// before its cancellation reached it, is dropped.
final class AttemptProgress: Sendable {
    private struct State: Sendable {
        var last: ContinuousClock.Instant
        var closed = false
    }

    private let state: Locked<State>

    init(now: ContinuousClock.Instant = .now) {
        state = Locked(State(last: now))
    }

    /// Records progress now; false once the attempt is over (drop the output).
    @discardableResult
    func touch() -> Bool {
        let now = ContinuousClock.now
        return state.withLock { state in
            if state.closed { return false }
            state.last = now
            return true
        }
    }

    var lastProgress: ContinuousClock.Instant { state.withLock { $0.last } }

    /// Ends the attempt: later output is dropped.
    func close() { state.withLock { $0.closed = true } }
}
