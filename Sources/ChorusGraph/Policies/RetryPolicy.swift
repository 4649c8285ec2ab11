import Foundation

/// When and how often a failed node runs again (LangGraph's `RetryPolicy`).
///
/// After the n-th failed attempt the next one starts after
/// `min(maxInterval, initialInterval * backoffFactor^(n-1))` seconds, plus a
/// random 0–1 s when `jitter` is on. A failed attempt's writes are dropped,
/// so a node retried in a parallel step applies exactly one update.
///
/// ```swift
/// graph.addNode("fetch", policy: NodePolicy(retry: [RetryPolicy(maxAttempts: 5)])) { input, context in
///     try await fetchPage(input)   // a thrown URLError is retried; a GraphError is not
/// }
/// ```
public struct RetryPolicy: Sendable {
    /// Seconds before the second attempt.
    public var initialInterval: Double
    /// Multiplies the interval after each failed attempt.
    public var backoffFactor: Double
    /// Upper bound of an interval, in seconds (jitter excluded).
    public var maxInterval: Double
    /// Attempts in all, the first included.
    public var maxAttempts: Int
    /// Adds a random 0–1 s to each interval.
    public var jitter: Bool
    /// Which errors this policy retries.
    public var retryOn: @Sendable (any Error) -> Bool

    public init(
        initialInterval: Double = 0.5, backoffFactor: Double = 2, maxInterval: Double = 128, maxAttempts: Int = 3,
        jitter: Bool = true, retryOn: @escaping @Sendable (any Error) -> Bool = RetryPolicy.transientErrors
    ) {
        self.initialInterval = initialInterval
        self.backoffFactor = backoffFactor
        self.maxInterval = maxInterval
        self.maxAttempts = maxAttempts
        self.jitter = jitter
        self.retryOn = retryOn
    }

    /// The default `retryOn`: every error except cancellation, the engine's
    /// own `GraphError`s (a bad update or graph fails the same way again),
    /// coding errors, and errors that classify themselves as permanent
    /// (`RetryClassifiedError`). A `NodeTimeoutError` is retried.
    public static let transientErrors: @Sendable (any Error) -> Bool = { error in
        if error is CancellationError || error is GraphError || error is DecodingError || error is EncodingError { return false }
        if let classified = error as? any RetryClassifiedError { return classified.isTransient }
        return true
    }

    /// Seconds to wait after the `failedAttempts`-th failed attempt, without jitter.
    public func interval(afterFailedAttempts failedAttempts: Int) -> Double {
        min(maxInterval, initialInterval * pow(backoffFactor, Double(failedAttempts - 1)))
    }

    /// The wait before the next attempt, jitter included.
    public func delay(afterFailedAttempts failedAttempts: Int) -> Double {
        interval(afterFailedAttempts: failedAttempts) + (jitter ? Double.random(in: 0..<1) : 0)
    }
}

/// An error that knows whether trying again can help; `RetryPolicy.transientErrors` asks it.
public protocol RetryClassifiedError: Error {
    /// True when a later attempt may succeed (a lost connection, a 503),
    /// false when it will fail the same way (a 401, a bad request).
    var isTransient: Bool { get }
}
