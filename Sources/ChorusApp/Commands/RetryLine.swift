import ChorusTUI
import Foundation

/// The lines that say a run is being tried again: a provider retry on the
/// headless commands' stderr, e.g. `openai: connection refused …; retrying
/// in 0.4s (attempt 3 of 4)`, and a server's stream joined again (every front end).
enum RetryLine {
    static func text(who: String, reason: String, delay: Double, attempt: Int, maxAttempts: Int) -> String {
        let cause = reason.hasSuffix(".") ? String(reason.dropLast()) : reason
        // Attempt 1 has not failed: it waits its turn (a rate limit).
        let line = attempt > 1 ? String(format: "%@: %@; retrying in %.1fs (attempt %d of %d)", who, cause, delay, attempt, maxAttempts)
            : String(format: "%@: %@; waiting %.1fs", who, cause, delay)
        return SafeText.sanitize(line, keepNewlines: false)
    }

    /// `the stream closed early; re-joining the run (1/3)`, sanitized.
    static func rejoin(attempt: Int, of attempts: Int, reason: String) -> String {
        SafeText.sanitize("\(reason); re-joining the run (\(attempt)/\(attempts))", keepNewlines: false)
    }
}
