/// Reports one chat-model call of a node to the run's event stream: `token`
/// for each piece of the reply, then `end`. Returned by
/// `NodeContext.modelCall(name:messageId:)`; does nothing when no one listens.
public struct ModelCallReporter: Sendable {
    let reporter: EventReporter?
    let origin: EventOrigin?
    let messageId: String
    /// The attempt's progress under an idle timeout: each token counts.
    let progress: AttemptProgress?

    /// True when events are being consumed; callers may skip work otherwise.
    public var isActive: Bool { reporter != nil }

    /// Reports a token of the reply.
    @inline(__always)
    public func token(_ text: String) {
        progress?.touch()
        guard let reporter, let origin else { return }
        reporter.emit(.token(text: text, messageId: messageId), from: origin)
    }

    /// Reports that the call failed before its first token and is tried again after `delay` seconds.
    public func retry(attempt: Int, maxAttempts: Int, delay: Double, reason: String) {
        guard let reporter, let origin else { return }
        reporter.emit(.modelRetry(attempt: attempt, maxAttempts: maxAttempts, delay: delay, reason: reason), from: origin)
    }

    /// Reports the end of the call, with its token counts when known.
    public func end(usage: RunEvent.Usage? = nil) {
        guard let reporter, let origin else { return }
        reporter.emit(.modelEnd(usage: usage), from: origin)
    }
}
