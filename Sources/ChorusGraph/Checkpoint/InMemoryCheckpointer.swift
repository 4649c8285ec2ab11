import ChorusSupport

/// Keeps checkpoints in memory for the life of the process (LangGraph's `InMemorySaver`).
public final class InMemoryCheckpointer: Checkpointer {
    private struct Stored {
        var checkpoint: Checkpoint
        var metadata: CheckpointMetadata
        var parentId: String?
        var writes: [PendingWrite] = []
    }
    private struct Key: Hashable {
        let thread: String
        let namespace: String
    }
    /// One thread namespace: checkpoints in insertion (= id) order, and the
    /// position of each id, so reading or adding to one checkpoint does not
    /// scan the thread's history.
    private struct History {
        var checkpoints: [Stored] = []
        var positions: [String: Int] = [:]

        func find(_ id: String) -> Stored? { positions[id].map { checkpoints[$0] } }
    }
    private let storage = Locked<[Key: History]>([:])

    public init() {}

    public func get(threadId: String, namespace: String, id: String?) async throws -> CheckpointTuple? {
        storage.withLock { all in
            guard let history = all[Key(thread: threadId, namespace: namespace)] else { return nil }
            let found = id.map(history.find) ?? history.checkpoints.last
            return found.map { tuple($0, threadId, namespace) }
        }
    }

    public func list(threadId: String, namespace: String, before: String?, limit: Int?) async throws -> [CheckpointTuple] {
        storage.withLock { all in
            var out: [CheckpointTuple] = []
            for s in (all[Key(thread: threadId, namespace: namespace)]?.checkpoints ?? []).reversed() {
                if let before, s.checkpoint.id >= before { continue }
                if let limit, out.count >= limit { break }
                out.append(tuple(s, threadId, namespace))
            }
            return out
        }
    }

    public func put(threadId: String, namespace: String, checkpoint: Checkpoint, metadata: CheckpointMetadata, parentId: String?) async throws {
        storage.withLock { all in
            let key = Key(thread: threadId, namespace: namespace)
            var history = all.removeValue(forKey: key) ?? History()
            history.positions[checkpoint.id] = history.checkpoints.count
            history.checkpoints.append(Stored(checkpoint: checkpoint, metadata: metadata, parentId: parentId))
            all[key] = history
        }
    }

    public func putWrites(threadId: String, namespace: String, checkpointId: String, taskId: String, writes: [PendingWrite]) async throws {
        storage.withLock { all in
            let key = Key(thread: threadId, namespace: namespace)
            guard let index = all[key]?.positions[checkpointId] else { return }
            all[key]!.checkpoints[index].writes.removeAll { $0.taskId == taskId }
            all[key]!.checkpoints[index].writes.append(contentsOf: writes)
        }
    }

    public func deleteThread(_ threadId: String) async throws {
        storage.withLock { all in
            for key in all.keys where key.thread == threadId { all[key] = nil }
        }
    }

    private func tuple(_ s: Stored, _ thread: String, _ ns: String) -> CheckpointTuple {
        CheckpointTuple(threadId: thread, namespace: ns, checkpoint: s.checkpoint, metadata: s.metadata, parentId: s.parentId, pendingWrites: s.writes)
    }
}
