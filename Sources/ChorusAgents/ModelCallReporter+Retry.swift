import ChorusGraph
import ChorusModels

extension ModelCallReporter {
    /// Reports a provider's retry notice as the call's `modelRetry` event.
    func retry(_ notice: RetryNotice) {
        retry(attempt: notice.attempt, maxAttempts: notice.maxAttempts, delay: notice.delay, reason: notice.reason)
    }
}
