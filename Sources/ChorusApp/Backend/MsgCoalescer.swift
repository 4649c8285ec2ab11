import ChorusGraph
import ChorusSupport
import Foundation

/// Streamed tokens on their way to the app, sent at most once per `interval`
/// as one `Msg.batch`: eight branches at 100 tokens/s each would otherwise
/// wake the app 800 times a second for 30 frames. Anything else first sends
/// what is pending, so order is kept.
final class MsgCoalescer: Sendable {
    private struct State {
        var pending: [Msg] = []
        var timerSet = false
        /// When a batch last went out; nil before the first.
        var lastSent: ContinuousClock.Instant?
    }

    private let state = Locked(State())
    private let send: @Sendable (Msg) -> Void
    private let interval: Duration

    init(interval: Duration = .milliseconds(16), send: @escaping @Sendable (Msg) -> Void) {
        self.interval = interval
        self.send = send
    }

    /// A token-like message: sent now if none went out for `interval`, else with the next batch.
    func token(_ msg: Msg) {
        enum Next { case sendNow([Msg]), wait(ContinuousClock.Instant), nothing }
        let next: Next = state.withLock { s in
            s.pending.append(msg)
            guard !s.timerSet else { return .nothing }
            let now = ContinuousClock.now
            guard let last = s.lastSent, now - last < interval else {
                s.lastSent = now
                defer { s.pending = [] }
                return .sendNow(s.pending)
            }
            s.timerSet = true
            return .wait(last + interval)
        }
        switch next {
        case .sendNow(let msgs): deliver(msgs)
        case .wait(let due):
            Task {
                try? await Task.sleep(until: due)
                self.flush()
            }
        case .nothing: break
        }
    }

    /// Any other message: what is pending goes first.
    func other(_ msg: Msg) {
        flush()
        send(msg)
    }

    /// Sends what is pending now.
    func flush() {
        let msgs: [Msg] = state.withLock { s in
            s.timerSet = false
            s.lastSent = ContinuousClock.now
            defer { s.pending = [] }
            return s.pending
        }
        deliver(msgs)
    }

    private func deliver(_ msgs: [Msg]) {
        switch msgs.count {
        case 0: break
        case 1: send(msgs[0])
        default: send(.batch(msgs))
        }
    }
}
