import ChorusGraph

/// Where a conversation was compacted to fit a model's context window: a
/// message of the thread (a `system` one, never sent as it is) that says
/// which earlier messages it stands for and, summarized, holds what they said.
public struct Compaction: Sendable, Equatable {
    /// The id of the last message it covers: from the thread's start up to it.
    public var through: String
    /// How many messages it covers (every message up to `through`, earlier compactions' included).
    public var covered: Int
    public var strategy: CompactionStrategy

    public init(through: String, covered: Int, strategy: CompactionStrategy) {
        self.through = through
        self.covered = covered
        self.strategy = strategy
    }

    /// As a message keeps it: `{"through", "covered", "strategy"}`.
    var value: Value {
        ["through": .string(through), "covered": .int(covered), "strategy": .string(strategy.rawValue)]
    }

    init?(value: Value?) {
        guard let through = value?["through"]?.stringValue, let covered = value?["covered"]?.intValue else { return nil }
        self.init(through: through, covered: covered,
                  strategy: value?["strategy"]?.stringValue.flatMap(CompactionStrategy.init(rawValue:)) ?? .summarize)
    }
}
