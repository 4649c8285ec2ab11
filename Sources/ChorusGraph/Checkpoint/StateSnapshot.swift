/// A thread's state at one checkpoint, as `getState` reports it.
public struct StateSnapshot: Sendable {
    /// A task due at this checkpoint, with what it already did.
    public struct TaskInfo: Sendable {
        public let id: String
        public let name: String
        /// Interrupts the task is paused on.
        public let interrupts: [Interrupt]
        /// State writes of a task that already finished in this step.
        public let result: Value?
        /// Stored representation of the error the task failed with.
        public let error: String?

        /// `{"name", "interrupts", "result"?, "error"?}` as LangGraph reports it.
        public var asValue: Value {
            var o: [String: Value] = [
                "name": .string(name),
                "interrupts": .array(interrupts.map(\.asValue)),
            ]
            if let result { o["result"] = result }
            if let error { o["error"] = .string(error) }
            return .object(o)
        }
    }

    /// State values.
    public let values: Value
    /// Nodes that run next (one entry per task, so `Send` targets repeat).
    public let next: [String]
    public let tasks: [TaskInfo]
    /// Source and step; nil for a thread with no checkpoint.
    public let metadata: CheckpointMetadata?
    public let checkpointId: String?
    public let parentCheckpointId: String?

    static let empty = StateSnapshot(values: .object([:]), next: [], tasks: [], metadata: nil, checkpointId: nil, parentCheckpointId: nil)
}
