/// One slot of graph state or of the engine's bookkeeping. A step's writes are
/// applied in one batch; channels decide how several writes combine.
///
/// Mirrors LangGraph's `BaseChannel`: `update` → changed?, `consume`, `checkpoint`.
public protocol Channel: Sendable {
    /// Applies all writes of one superstep. An empty batch tells the channel a
    /// step passed without writes (ephemeral channels clear themselves then).
    /// Returns whether the channel changed.
    mutating func update(_ writes: [Value]) throws -> Bool
    /// The current value, or nil when the channel is empty.
    var value: Value? { get }
    /// Called after a task that was triggered by this channel ran. Returns whether it changed.
    mutating func consume() -> Bool
    /// The run is about to end (no node is due): a channel that holds its
    /// value back until then makes it available. Returns whether it changed.
    mutating func finish() -> Bool
    /// What a checkpoint stores; nil when there is nothing to store.
    func checkpoint() -> Value?
    /// Restores what `checkpoint()` returned.
    mutating func restore(_ saved: Value) throws
}

extension Channel {
    /// True when the channel holds a value readers can see.
    public var isAvailable: Bool { value != nil }
    public mutating func consume() -> Bool { false }
    public mutating func finish() -> Bool { false }
    public func checkpoint() -> Value? { value }
}
