/// The saved state of a graph after one superstep: every channel's value,
/// channel versions, and which versions each node has seen.
public struct Checkpoint: Sendable, Equatable {
    /// Time-ordered unique id (sorts in creation order).
    public var id: String
    /// Saved channel values, by channel name (state keys and engine channels).
    public var channelValues: [String: Value]
    /// Version of each channel, bumped whenever it changes.
    public var channelVersions: [String: Int]
    /// Channel versions each node had seen when it last ran.
    public var versionsSeen: [String: [String: Int]]

    public init(id: String, channelValues: [String: Value], channelVersions: [String: Int], versionsSeen: [String: [String: Int]]) {
        self.id = id
        self.channelValues = channelValues
        self.channelVersions = channelVersions
        self.versionsSeen = versionsSeen
    }
}

/// Why a checkpoint was written and at which superstep.
public struct CheckpointMetadata: Sendable, Equatable {
    /// What produced a checkpoint.
    public enum Source: String, Sendable {
        /// The run's input was received.
        case input
        /// A superstep finished.
        case loop
        /// `updateState` changed the state by hand.
        case update
        /// A copy made to branch from a past checkpoint.
        case fork
    }

    public var source: Source
    public var step: Int

    public init(source: Source, step: Int) {
        self.source = source
        self.step = step
    }
}

/// A write of a task that finished (or failed, or paused) in a superstep
/// whose checkpoint is not written yet.
public struct PendingWrite: Sendable, Equatable {
    public var taskId: String
    public var channel: String
    public var value: Value

    public init(taskId: String, channel: String, value: Value) {
        self.taskId = taskId
        self.channel = channel
        self.value = value
    }
}

/// A checkpoint with its address, metadata, parent and pending writes.
public struct CheckpointTuple: Sendable, Equatable {
    public var threadId: String
    public var namespace: String
    public var checkpoint: Checkpoint
    public var metadata: CheckpointMetadata
    public var parentId: String?
    public var pendingWrites: [PendingWrite]

    public init(threadId: String, namespace: String, checkpoint: Checkpoint, metadata: CheckpointMetadata, parentId: String?, pendingWrites: [PendingWrite]) {
        self.threadId = threadId
        self.namespace = namespace
        self.checkpoint = checkpoint
        self.metadata = metadata
        self.parentId = parentId
        self.pendingWrites = pendingWrites
    }
}
