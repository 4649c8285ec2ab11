import ChorusSupport

/// Runs one node attempt under a `TimeoutPolicy`: a watchdog child task
/// sleeps until the nearer of the run deadline and the idle deadline (moved
/// forward by progress), and cancels the attempt when one passes.
enum AttemptTimer {
    static func run<T: Sendable>(
        _ policy: TimeoutPolicy, node: String, progress: AttemptProgress, body: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        let start = ContinuousClock.now
        defer { progress.close() }
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await watch(policy, node: node, start: start, progress: progress)
                return nil
            }
            // The first to finish decides: the body's result or error, or the
            // watchdog's timeout; leaving the group cancels and awaits the other.
            guard let first = try await group.next(), let result = first else { throw CancellationError() }
            group.cancelAll()
            return result
        }
    }

    /// Returns only by throwing: `NodeTimeoutError` when a limit passes,
    /// `CancellationError` when the attempt ended first.
    ///
    /// An idle limit measures silence while the node could run: when the
    /// watchdog itself wakes late (the process was starved of CPU), the node
    /// may have been starved too, with its progress still queued behind the
    /// watchdog; it then gets one short turn before the limit is checked again.
    private static func watch(_ policy: TimeoutPolicy, node: String, start: ContinuousClock.Instant, progress: AttemptProgress) async throws {
        let runDeadline = policy.run.map { start + .seconds($0) }
        var graceGivenAt: ContinuousClock.Instant?
        while true {
            let idleDeadline = policy.idle.map { progress.lastProgress + .seconds($0) }
            let deadline = [runDeadline, idleDeadline].compactMap { $0 }.min()!
            try await Task.sleep(until: deadline, clock: .continuous)
            let now = ContinuousClock.now
            let elapsed = (now - start).seconds
            if let runDeadline, let limit = policy.run, now >= runDeadline {
                progress.close()
                throw NodeTimeoutError(node: node, limit: .run, timeout: limit, elapsed: elapsed)
            }
            let last = progress.lastProgress
            if let limit = policy.idle, now >= last + .seconds(limit) {
                if now - deadline > starvation, graceGivenAt != last {
                    graceGivenAt = last
                    try await Task.sleep(for: starvation)
                    continue
                }
                progress.close()
                throw NodeTimeoutError(node: node, limit: .idle, timeout: limit, elapsed: elapsed)
            }
        }
    }

    /// How late the watchdog may wake before it counts as starved, and the turn it then gives the node.
    private static let starvation = Duration.milliseconds(50)
}
