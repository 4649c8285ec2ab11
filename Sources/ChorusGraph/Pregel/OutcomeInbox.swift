/// Where a superstep's tasks drop their outcomes for the loop to apply.
///
/// Tasks run in a discarding task group, so a finished task is freed at once
/// instead of being kept until the loop collects it; the loop takes every
/// outcome that arrived in one lock, waiting only when none has.
final class OutcomeInbox: Sendable {
    private struct State {
        var outcomes: [(Int, TaskOutcome)] = []
        var waiter: CheckedContinuation<[(Int, TaskOutcome)], Never>?
    }
    private let state = Locked(State())

    func post(_ index: Int, _ outcome: TaskOutcome) {
        let waiter: CheckedContinuation<[(Int, TaskOutcome)], Never>? = state.withLock { s in
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
    func take() async -> [(Int, TaskOutcome)] {
        await withCheckedContinuation { (c: CheckedContinuation<[(Int, TaskOutcome)], Never>) in
            let ready: [(Int, TaskOutcome)]? = state.withLock { s in
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
