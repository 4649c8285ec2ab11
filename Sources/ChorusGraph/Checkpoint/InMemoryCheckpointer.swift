
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
    /// Per thread namespace, checkpoints in insertion (= id) order.
    private let storage = Locked<[Key: [Stored]]>([:])

    public init() {}

    public func get(threadId: String, namespace: String, id: String?) async throws -> CheckpointTuple? {
        storage.withLock { all in
            guard let list = all[Key(thread: threadId, namespace: namespace)] else { return nil }
            let found = id == nil ? list.last : list.last { $0.checkpoint.id == id }
            return found.map { tuple($0, threadId, namespace) }
        }
    }

    public func list(threadId: String, namespace: String, before: String?, limit: Int?) async throws -> [CheckpointTuple] {
        storage.withLock { all in
            var out: [CheckpointTuple] = []
            for s in (all[Key(thread: threadId, namespace: namespace)] ?? []).reversed() {
                if let before, s.checkpoint.id >= before { continue }
                if let limit, out.count >= limit { break }
                out.append(tuple(s, threadId, namespace))
            }
            return out
        }
    }

    public func put(threadId: String, namespace: String, checkpoint: Checkpoint, metadata: CheckpointMetadata, parentId: String?) async throws {
        storage.withLock { all in
            all[Key(thread: threadId, namespace: namespace), default: []]
                .append(Stored(checkpoint: checkpoint, metadata: metadata, parentId: parentId))
        }
    }

    public func putWrites(threadId: String, namespace: String, checkpointId: String, taskId: String, writes: [PendingWrite]) async throws {
        storage.withLock { all in
            let key = Key(thread: threadId, namespace: namespace)
            guard let index = all[key]?.lastIndex(where: { $0.checkpoint.id == checkpointId }) else { return }
            all[key]![index].writes.removeAll { $0.taskId == taskId }
            all[key]![index].writes.append(contentsOf: writes)
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
