import ChorusTUI
import Foundation

/// The stderr line of the headless commands for a provider retry, e.g.
/// `openai: connection refused …; retrying in 0.4s (attempt 3 of 4)`.
enum RetryLine {
    static func text(who: String, reason: String, delay: Double, attempt: Int, maxAttempts: Int) -> String {
        let cause = reason.hasSuffix(".") ? String(reason.dropLast()) : reason
        return SafeText.sanitize(String(format: "%@: %@; retrying in %.1fs (attempt %d of %d)", who, cause, delay, attempt, maxAttempts),
                                 keepNewlines: false)
    }
}
