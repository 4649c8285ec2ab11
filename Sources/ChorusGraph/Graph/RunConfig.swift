/// Per-run settings: the one place to set the thread, the recursion limit and
/// the concurrency bound.
public struct RunConfig: Sendable {
    /// LangGraph's default recursion limit, as observed in its 1.2 releases.
    public static let defaultRecursionLimit = 10_007

    /// Conversation thread whose checkpoints the run reads and writes.
    public var threadId: String
    /// Checkpoint to start from instead of the thread's latest (time travel / fork).
    public var checkpointId: String?
    /// Supersteps allowed after the input before `GraphRecursionError`; a
    /// limit below 1 is refused (`ValueError`) before the run starts.
    public var recursionLimit: Int
    /// Most node tasks in flight at once in this run (and in each subgraph,
    /// `batch` and `concurrentMap` inside nodes); nil means unbounded.
    public var maxConcurrency: Int?
    /// Free-form tags, passed to run events.
    public var tags: [String]
    /// When checkpoints are saved (LangGraph's `durability`).
    public var durability: Durability
    /// A budget of node tasks shared with other runs (see `CompiledGraph.gather`):
    /// each node task holds one of its permits while it runs, on top of `maxConcurrency`.
    /// Subgraph nodes take none; the nodes inside them do.
    public var limiter: ConcurrencyLimiter?

    /// When a run's checkpoints reach the checkpointer.
    public enum Durability: Sendable {
        /// Each superstep's checkpoint is saved before the next superstep
        /// starts: a crash loses at most the superstep in flight.
        case sync
        /// Checkpoints are saved in the background while the run goes on,
        /// several per transaction when the store lags, and all are saved
        /// before the run returns. A crash may also lose steps not yet saved.
        case async
    }

    public init(
        threadId: String = "1",
        checkpointId: String? = nil,
        recursionLimit: Int = RunConfig.defaultRecursionLimit,
        maxConcurrency: Int? = nil,
        tags: [String] = [],
        durability: Durability = .sync,
        limiter: ConcurrencyLimiter? = nil
    ) {
        self.threadId = threadId
        self.checkpointId = checkpointId
        self.recursionLimit = recursionLimit
        self.maxConcurrency = maxConcurrency
        self.tags = tags
        self.durability = durability
        self.limiter = limiter
    }
}
