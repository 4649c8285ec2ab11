import ChorusSupport
/// Saves a run's checkpoints in the background, in order, for
/// `Durability.async`: writes queued while a save is under way are saved
/// together in the next batch (group commit), so a slow disk never stalls
/// the supersteps. `flush()` waits until everything queued is saved.
final class CheckpointQueue: Sendable {
    private struct State {
        var queued: [CheckpointWrite] = []
        var saving = false
        var failure: (any Error)?
        var waiters: [CheckedContinuation<Void, Never>] = []
    }
    private let state = Locked(State())
    private let checkpointer: any Checkpointer

    init(checkpointer: any Checkpointer) {
        self.checkpointer = checkpointer
    }

    /// Queues a write; throws the error of an earlier failed save.
    func enqueue(_ write: CheckpointWrite) throws {
        let start: Bool = try state.withLock { s in
            if let failure = s.failure { throw failure }
            s.queued.append(write)
            if s.saving { return false }
            s.saving = true
            return true
        }
        if start { Task { await self.drain() } }
    }

    /// Waits until every queued write is saved; throws if one failed.
    func flush() async throws {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let done = state.withLock { s in
                if !s.saving { return true }
                s.waiters.append(c)
                return false
            }
            if done { c.resume() }
        }
        if let failure = state.withLock({ $0.failure }) { throw failure }
    }

    private func drain() async {
        while true {
            let batch: [CheckpointWrite] = state.withLock { s in
                defer { s.queued = [] }
                return s.queued
            }
            if !batch.isEmpty {
                do {
                    try await checkpointer.save(batch)
                } catch {
                    state.withLock { if $0.failure == nil { $0.failure = error } }
                }
            }
            let waiters: [CheckedContinuation<Void, Never>]? = state.withLock { s in
                if !s.queued.isEmpty && s.failure == nil { return nil }
                s.queued = []
                s.saving = false
                defer { s.waiters = [] }
                return s.waiters
            }
            if let waiters {
                for w in waiters { w.resume() }
                return
            }
        }
    }
}
