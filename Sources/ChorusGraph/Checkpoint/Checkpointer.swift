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
}
