import ChorusGraph
import ChorusSupport
import Foundation
import NIOCore

/// The events of one run, fanned out to every stream that follows it (the
/// client that started it, `join` streams). A resumable run keeps them all so
/// a client can reconnect with `Last-Event-ID` and get what it missed; other
/// runs keep none and deliver only what happens while a follower listens.
///
/// On several instances (PostgreSQL) every run keeps its events, and the
/// instance running it hands each to a recorder that keeps it in the
/// database; other instances' logs of the run replay them from there.
final class RunLog: Sendable {
    /// Keeps an event elsewhere: sequence number, event name, data.
    typealias Recorder = @Sendable (Int, String, String) -> Void

    private struct State {
        var kept: [(seq: Int, frame: ByteBuffer)] = []
        var nextSeq = 0
        var followers: [Int: FrameQueue] = [:]
        var nextFollower = 0
        var finished = false
        var endWaiters: [CheckedContinuation<Void, Never>] = []
        var recorder: Recorder?
    }

    let keepsHistory: Bool
    /// The millisecond prefix of this run's event ids (`<ms>-<seq>`): the
    /// run's creation time, so every instance numbers its events alike.
    private let epoch: String
    private let state = Locked(State())

    init(keepsHistory: Bool, createdAt: Date = Date()) {
        self.keepsHistory = keepsHistory
        epoch = String(Int(createdAt.timeIntervalSince1970 * 1000))
    }

    /// Adds an event; resumable runs number it.
    func append(event: String, data: String) {
        state.withLock { s in
            guard !s.finished else { return }
            let seq = s.nextSeq
            s.nextSeq += 1
            s.recorder?(seq, event, data)
            let frame = SSEFrame.event(event, data: data, id: keepsHistory ? "\(epoch)-\(seq)" : nil)
            if keepsHistory { s.kept.append((seq, frame)) }
            for follower in s.followers.values { follower.push(frame) }
        }
    }

    /// Adds an event another instance numbered (one this log has not had yet).
    func replay(seq: Int, event: String, data: String) {
        state.withLock { s in
            guard !s.finished, seq >= s.nextSeq else { return }
            s.nextSeq = seq + 1
            let frame = SSEFrame.event(event, data: data, id: "\(epoch)-\(seq)")
            s.kept.append((seq, frame))
            for follower in s.followers.values { follower.push(frame) }
        }
    }

    /// The number the next event gets.
    var nextSeq: Int { state.withLock { $0.nextSeq } }

    /// From now on, events appended here are also handed to `recorder` (this instance runs the run).
    func record(with recorder: @escaping Recorder) {
        state.withLock { $0.recorder = recorder }
    }

    /// Sends the keep-alive comment to everyone following.
    func heartbeat() {
        state.withLock { s in
            for follower in s.followers.values { follower.push(SSEFrame.heartbeat) }
        }
    }

    /// Ends every follower's stream; called once the run's status is final.
    func finish() {
        let (followers, waiters) = state.withLock { s in
            s.finished = true
            defer {
                s.followers = [:]
                s.endWaiters = []
            }
            return (Array(s.followers.values), s.endWaiters)
        }
        for follower in followers { follower.finish() }
        for waiter in waiters { waiter.resume() }
    }

    /// The run's events from now on, preceded (on a resumable run) by the
    /// kept events after `lastEventId` (`-1` or nil: from the start). Call
    /// `unfollow` with the returned key when done.
    func follow(after lastEventId: String?) -> (key: Int, frames: FrameQueue) {
        let queue = FrameQueue()
        let after = lastEventId == "-1" ? -1 : lastEventId.flatMap { id in id.split(separator: "-").last.flatMap { Int($0) } } ?? -1
        let key = state.withLock { s -> Int in
            for (seq, frame) in s.kept where seq > after { queue.push(frame) }
            let key = s.nextFollower
            s.nextFollower += 1
            if s.finished { queue.finish() } else { s.followers[key] = queue }
            return key
        }
        return (key, queue)
    }

    /// Stops delivering to a follower that went away.
    func unfollow(_ key: Int) {
        state.withLock { _ = $0.followers.removeValue(forKey: key) }
    }

    /// Returns once the run has ended.
    func waitForEnd() async {
        await withCheckedContinuation { (waiter: CheckedContinuation<Void, Never>) in
            let done = state.withLock { s -> Bool in
                if s.finished { return true }
                s.endWaiters.append(waiter)
                return false
            }
            if done { waiter.resume() }
        }
    }
}
