import ChorusGraph
import ChorusSupport
import NIOCore

/// The frames waiting for one follower of a run (a streaming response).
/// The writer takes everything pending at once, merged into one buffer, so a
/// busy server writes several events per socket write instead of one each.
final class FrameQueue: Sendable {
    private struct State {
        var pending: ByteBuffer?
        var finished = false
        var waiter: CheckedContinuation<ByteBuffer?, Never>?
    }

    private let state = Locked(State())

    func push(_ frame: ByteBuffer) {
        let waiter = state.withLock { s -> CheckedContinuation<ByteBuffer?, Never>? in
            guard !s.finished else { return nil }
            if let waiter = s.waiter {
                s.waiter = nil
                return waiter
            }
            if s.pending == nil { s.pending = frame } else { s.pending!.writeImmutableBuffer(frame) }
            return nil
        }
        waiter?.resume(returning: frame)
    }

    /// No more frames: the follower gets what is pending, then nil.
    func finish() {
        let waiter = state.withLock { s -> CheckedContinuation<ByteBuffer?, Never>? in
            s.finished = true
            defer { s.waiter = nil }
            return s.waiter
        }
        waiter?.resume(returning: nil)
    }

    /// Everything pending, waiting for a frame if there is none; nil once
    /// finished and drained, or when the waiting task is cancelled.
    func next() async -> ByteBuffer? {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (waiter: CheckedContinuation<ByteBuffer?, Never>) in
                let ready = state.withLock { s -> ByteBuffer?? in
                    if let pending = s.pending {
                        s.pending = nil
                        return .some(pending)
                    }
                    if s.finished || Task.isCancelled { return .some(nil) }
                    s.waiter = waiter
                    return nil
                }
                if let ready { waiter.resume(returning: ready) }
            }
        } onCancel: {
            finish()
        }
    }
}
