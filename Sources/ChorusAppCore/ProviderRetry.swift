import ChorusTUI
import Foundation

/// A model call waiting to be tried again, as the status bar and the
/// research panes show it: "retrying in 2s (attempt 2 of 3)".
public struct ProviderRetry: Sendable, Equatable {
    public var attempt: Int
    public var maxAttempts: Int
    /// When the next attempt starts.
    public var at: Date
    /// What failed, stripped of control and escape sequences (it comes from a server).
    public var reason: String

    public init(attempt: Int, maxAttempts: Int, at: Date, reason: String) {
        self.attempt = attempt
        self.maxAttempts = maxAttempts
        self.at = at
        self.reason = SafeText.sanitize(reason, keepNewlines: false)
    }

    /// "retrying in 2s (attempt 2 of 4)", counting down to `at` from `now`;
    /// without `attempts`, just "retrying in 2s" (for a pane's title).
    public func label(now: Date, attempts: Bool = true) -> String {
        let seconds = max(0, Int(at.timeIntervalSince(now).rounded(.up)))
        // Attempt 1 has not failed: it waits its turn (a rate limit).
        guard attempt > 1 else { return "waiting \(seconds)s" }
        return "retrying in \(seconds)s" + (attempts ? " (attempt \(attempt) of \(maxAttempts))" : "")
    }
}
