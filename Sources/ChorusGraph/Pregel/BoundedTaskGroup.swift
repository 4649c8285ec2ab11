/// The engine's one way to run jobs concurrently under a bound: a
/// superstep's tasks, `batch`, `gather` and `NodeContext.concurrentMap` all
/// launch through it. Never one job over the limit, and a freed slot is
/// refilled at once while jobs wait. (`ConcurrencyLimiter` is another thing:
/// permits shared by several runs, held around each node call.)
public enum BoundedTaskGroup {
    /// Maps `items` with at most `limit` calls of `body` running at once; nil
    /// means no bound. Results keep input order; the first error cancels the rest.
    public static func map<T: Sendable, R: Sendable>(
        _ items: [T], limit: Int?, _ body: @escaping @Sendable (T) async throws -> R
    ) async throws -> [R] {
        if items.isEmpty { return [] }
        var results = [R?](repeating: nil, count: items.count)
        var failure: (any Error)?
        try await launch(count: items.count, limit: limit) { index -> Result<R, any Error> in
            do { return .success(try await body(items[index])) } catch { return .failure(error) }
        } receive: { index, outcome in
            switch outcome {
            case .success(let result):
                results[index] = result
                return true
            case .failure(let error):
                if failure == nil { failure = error }
                return false
            }
        }
        if let failure { throw failure }
        return results.map { $0! }
    }

    /// Runs `job(0)`…`job(count - 1)` with at most `limit` running at once
    /// (nil: all at once) and hands each outcome to `receive`, in the calling
    /// task, as it arrives; each received outcome frees a slot for the next job.
    ///
    /// When `receive` returns false nothing more is launched, the outcomes
    /// that arrived together with that one are still received (as LangGraph
    /// commits every task already done when one fails), and the jobs still
    /// running are cancelled; their outcomes are not received. A single job
    /// runs in the calling task, with no task group.
    static func launch<Outcome: Sendable>(
        count: Int, limit: Int?, _ job: @escaping @Sendable (Int) async -> Outcome,
        receive: (_ index: Int, _ outcome: Outcome) async throws -> Bool
    ) async throws {
        if count == 0 { return }
        let bound = max(1, min(limit ?? count, count))
        if count == 1 {
            _ = try await receive(0, await job(0))
            return
        }
        let inbox = OutcomeInbox<Outcome>()
        try await withThrowingDiscardingTaskGroup { group in
            var launched = 0
            func launchNext() {
                let index = launched
                launched += 1
                group.addImmediateTask { inbox.post(index, await job(index)) }
            }
            while launched < bound { launchNext() }
            var finished = 0
            var stopped = false
            while finished < launched {
                let stoppedBefore = stopped
                for (index, outcome) in await inbox.take() {
                    finished += 1
                    if stoppedBefore { continue }
                    if try await !receive(index, outcome) { stopped = true }
                    if !stopped && launched < count { launchNext() }
                }
                if !stoppedBefore && stopped { group.cancelAll() }
            }
        }
    }
}
