/// Saves and loads checkpoints. Implementations: `InMemoryCheckpointer` here,
/// the SQLite store elsewhere. Every implementation passes the same spec.
public protocol Checkpointer: Sendable {
    /// The newest checkpoint of a thread namespace, or the one with `id`.
    func get(threadId: String, namespace: String, id: String?) async throws -> CheckpointTuple?
    /// Checkpoints newest first, optionally only those older than `before`, at most `limit`.
    func list(threadId: String, namespace: String, before: String?, limit: Int?) async throws -> [CheckpointTuple]
    /// Stores a checkpoint; it becomes the thread namespace's newest.
    func put(threadId: String, namespace: String, checkpoint: Checkpoint, metadata: CheckpointMetadata, parentId: String?) async throws
    /// Stores writes of one task against a checkpoint, replacing that task's earlier writes.
    func putWrites(threadId: String, namespace: String, checkpointId: String, taskId: String, writes: [PendingWrite]) async throws
    /// Deletes every checkpoint of a thread, in all namespaces.
    func deleteThread(_ threadId: String) async throws
    /// Saves several writes in order (one transaction where the store can).
    func save(_ batch: [CheckpointWrite]) async throws
}

/// One write to a checkpointer, so several can be saved together.
public enum CheckpointWrite: Sendable {
    case checkpoint(threadId: String, namespace: String, checkpoint: Checkpoint, metadata: CheckpointMetadata, parentId: String?)
    case writes(threadId: String, namespace: String, checkpointId: String, taskId: String, writes: [PendingWrite])
}

extension Checkpointer {
    /// Saves writes in order. Stores that can should override this to save
    /// a batch in one transaction (the default saves one by one).
    public func save(_ batch: [CheckpointWrite]) async throws {
        for write in batch {
            switch write {
            case .checkpoint(let t, let ns, let cp, let md, let parent):
                try await put(threadId: t, namespace: ns, checkpoint: cp, metadata: md, parentId: parent)
            case .writes(let t, let ns, let id, let task, let writes):
                try await putWrites(threadId: t, namespace: ns, checkpointId: id, taskId: task, writes: writes)
            }
        }
    }
}
