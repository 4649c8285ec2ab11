import ChorusSupport
/// Where bounded jobs drop their outcomes for the launching task to take.
///
/// Jobs run in a discarding task group, so a finished job is freed at once
/// instead of being kept until the launcher collects it; the launcher takes
/// every outcome that arrived in one lock, waiting only when none has.
final class OutcomeInbox<Outcome: Sendable>: Sendable {
    private struct State {
        var outcomes: [(Int, Outcome)] = []
        var waiter: CheckedContinuation<[(Int, Outcome)], Never>?
    }
    private let state = Locked(State())

    func post(_ index: Int, _ outcome: Outcome) {
        let waiter: CheckedContinuation<[(Int, Outcome)], Never>? = state.withLock { s in
            if let w = s.waiter {
                s.waiter = nil
                return w
            }
            s.outcomes.append((index, outcome))
            return nil
        }
        waiter?.resume(returning: [(index, outcome)])
    }

    /// Every outcome posted so far; waits for one if there is none.
    func take() async -> [(Int, Outcome)] {
        await withCheckedContinuation { (c: CheckedContinuation<[(Int, Outcome)], Never>) in
            let ready: [(Int, Outcome)]? = state.withLock { s in
                if s.outcomes.isEmpty {
                    s.waiter = c
                    return nil
                }
                defer { s.outcomes = [] }
                return s.outcomes
            }
            if let ready { c.resume(returning: ready) }
        }
    }
}
