import ChorusAppCore
import ChorusSupport

/// The messages of running replies on their way to the app, in the order
/// they were sent. A streamed token waits for the next frame: only the first
/// since the app last took the mail wakes it (so a frame is due), and eight
/// branches at 100 tokens a second cost the app one wake-up per frame, not
/// 800. Anything else wakes the app at once, behind what waits.
final class RunMailbox: Sendable {
    private struct State {
        var pending: [Msg] = []
        /// The app was woken for what is pending.
        var signalled = false
        /// Something other than a token waits: the app takes the mail when it wakes, not at the next frame.
        var urgent = false
    }

    private let state = Locked(State())
    private let wake: @Sendable () -> Void

    /// `wake` tells the app that mail waits (`Msg.runMail`).
    init(wake: @escaping @Sendable () -> Void) {
        self.wake = wake
    }

    /// A streamed token (or a branch's): it waits for the next frame.
    func token(_ msg: Msg) {
        let first = state.withLock { s in
            s.pending.append(msg)
            defer { s.signalled = true }
            return !s.signalled
        }
        if first { wake() }
    }

    /// Any other message: the app takes it, and what waits before it, when it wakes.
    func other(_ msg: Msg) {
        state.withLock { s in
            s.pending.append(msg)
            s.signalled = true
            s.urgent = true
        }
        wake()
    }

    /// What waits, in order, when something other than tokens does; nil while only tokens wait (they go with the frame).
    func takeUrgent() -> [Msg]? {
        state.withLock { s in s.urgent ? Self.take(&s) : nil }
    }

    /// Everything that waits, in order (when a frame is drawn).
    func takeAll() -> [Msg] { state.withLock { Self.take(&$0) } }

    /// How many messages wait.
    var count: Int { state.withLock { $0.pending.count } }

    private static func take(_ s: inout State) -> [Msg] {
        defer { s = State() }
        return s.pending
    }
}
