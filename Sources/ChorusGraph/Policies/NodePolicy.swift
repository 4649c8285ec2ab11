/// How the engine runs one node besides calling it: retries, time limits,
/// caching and deferral. The default runs the node once, without limits.
public struct NodePolicy: Sendable {
    /// Tried in order on a failure; the first whose `retryOn` accepts the
    /// error decides the next attempt. Empty: a failure fails the task.
    public var retry: [RetryPolicy]
    /// Limits on each attempt; nil: none.
    public var timeout: TimeoutPolicy?
    /// Reuses the writes of an earlier run of this node on the same input,
    /// when the graph is compiled with a `NodeCache`; nil: never cached.
    public var cache: CachePolicy?
    /// Runs only when nothing else is due in the run (LangGraph's `defer=True`).
    public var deferred: Bool

    public init(retry: [RetryPolicy] = [], timeout: TimeoutPolicy? = nil, cache: CachePolicy? = nil, deferred: Bool = false) {
        self.retry = retry
        self.timeout = timeout
        self.cache = cache
        self.deferred = deferred
    }

    /// Runs once, with no limit, no cache, not deferred.
    public static let plain = NodePolicy()

    /// The retry policy that handles `error`, if any.
    func retryPolicy(for error: any Error) -> RetryPolicy? {
        retry.first { $0.retryOn(error) }
    }
}
