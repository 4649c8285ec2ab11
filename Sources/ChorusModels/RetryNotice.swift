/// A provider call failed before its first token and will be tried again:
/// streamed as `ChatChunk.retrying` so that a user sees why a reply is late.
public struct RetryNotice: Sendable, Equatable {
    /// The attempt about to start (2 for the first retry).
    public var attempt: Int
    public var maxAttempts: Int
    /// Seconds until that attempt.
    public var delay: Double
    /// What failed, already redacted.
    public var reason: String

    public init(attempt: Int, maxAttempts: Int, delay: Double, reason: String) {
        self.attempt = attempt
        self.maxAttempts = maxAttempts
        self.delay = delay
        self.reason = reason
    }
}
