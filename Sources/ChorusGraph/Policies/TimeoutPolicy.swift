import Foundation

/// Time limits on each attempt of a node (LangGraph's `TimeoutPolicy`).
/// When one is exceeded the attempt is cancelled, its writes are dropped,
/// and it fails with `NodeTimeoutError`, which a `RetryPolicy` may retry.
///
/// ```swift
/// // at most 30 s in all, and never 5 s without a token, a custom write or a heartbeat
/// NodePolicy(retry: [RetryPolicy(maxAttempts: 2)], timeout: TimeoutPolicy(run: 30, idle: 5))
/// ```
///
/// Limits apply to nodes, `Send` tasks and subgraphs alike. Cancellation is
/// cooperative: a node stuck in synchronous code is released at its next
/// suspension point, and `NodeContext.blocking` returns at once.
public struct TimeoutPolicy: Sendable, Equatable {
    /// Seconds one attempt may take in all; nil: unlimited.
    public var run: Double?
    /// Seconds an attempt may go without progress (a message token, a custom
    /// write, a model or tool event, `NodeContext.heartbeat()`) while it could
    /// run: a stall of the whole process does not count against it. nil: unlimited.
    public var idle: Double?

    /// nil when neither limit is a positive number of seconds.
    public init?(run: Double? = nil, idle: Double? = nil) {
        let run = run.flatMap { $0 > 0 && $0.isFinite ? $0 : nil }
        let idle = idle.flatMap { $0 > 0 && $0.isFinite ? $0 : nil }
        if run == nil && idle == nil { return nil }
        self.run = run
        self.idle = idle
    }
}

/// A node attempt ran past one of its `TimeoutPolicy` limits. The message is
/// LangGraph's: "Node 'fetch' exceeded its run timeout of 1.000s (elapsed: 1.002s)."
public struct NodeTimeoutError: NamedError, RetryClassifiedError, Sendable {
    /// Which limit was exceeded.
    public enum Limit: String, Sendable { case run, idle }

    public let node: String
    public let limit: Limit
    /// The exceeded limit, in seconds.
    public let timeout: Double
    /// Seconds the attempt ran.
    public let elapsed: Double

    public init(node: String, limit: Limit, timeout: Double, elapsed: Double) {
        self.node = node
        self.limit = limit
        self.timeout = timeout
        self.elapsed = elapsed
    }

    public var errorType: String { "NodeTimeoutError" }
    public var errorMessage: String {
        let limitText = String(format: "%.3f", timeout), elapsedText = String(format: "%.3f", elapsed)
        switch limit {
        case .run: return "Node '\(node)' exceeded its run timeout of \(limitText)s (elapsed: \(elapsedText)s)."
        case .idle: return "Node '\(node)' exceeded its idle timeout of \(limitText)s without making progress (elapsed: \(elapsedText)s)."
        }
    }
    public var errorRepr: String { "NodeTimeoutError(\(PythonText.repr(errorMessage)))" }
    public var isTransient: Bool { true }
}
