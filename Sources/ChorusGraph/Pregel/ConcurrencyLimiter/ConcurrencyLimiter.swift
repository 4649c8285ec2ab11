import ChorusSupport
/// A budget of permits shared by several runs (`RunConfig.limiter`, `gather`):
/// at most `permits` node tasks hold one at any instant, across every run
/// that shares it, and a returned permit goes at once to the longest waiter.
public final class ConcurrencyLimiter: Sendable {
    /// Permits in the budget.
    public let permits: Int
    private let state: Locked<(machine: StateMachine, waiters: [Int: CheckedContinuation<Void, any Error>])>

    public init(permits: Int) {
        self.permits = max(1, permits)
        state = Locked((StateMachine(permits: max(1, permits)), [:]))
    }

    /// Runs `body` holding one permit; waits for one first. Throws
    /// `CancellationError` if the task is cancelled while waiting.
    public func withPermit<R>(_ body: () async throws -> R) async throws -> R {
        try await acquire()
        defer { release() }
        return try await body()
    }

    private func acquire() async throws {
        let ticket = state.withLock { $0.machine.issue() }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, any Error>) in
                let action = state.withLock { s in
                    let action = s.machine.acquire(ticket)
                    if action == .suspend { s.waiters[ticket] = c }
                    return action
                }
                switch action {
                case .proceed: c.resume()
                case .cancelled: c.resume(throwing: CancellationError())
                case .suspend: break
                }
            }
        } onCancel: {
            let waiter: CheckedContinuation<Void, any Error>? = state.withLock { s in
                guard case .fail(let t) = s.machine.cancel(ticket) else { return nil }
                return s.waiters.removeValue(forKey: t)
            }
            waiter?.resume(throwing: CancellationError())
        }
    }

    private func release() {
        let waiter: CheckedContinuation<Void, any Error>? = state.withLock { s in
            guard case .resume(let t) = s.machine.release() else { return nil }
            return s.waiters.removeValue(forKey: t)
        }
        waiter?.resume()
    }
}
