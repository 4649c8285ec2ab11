/// Where a run stands against the thread's history. A run starts
/// `resuming` or `replaying` and is `running` from its first finished
/// superstep on (LangGraph's `is_resuming` and `is_replaying` flags).
enum LoopPhase: Equatable {
    /// New input on the thread, or past the first superstep.
    case running
    /// Continuing the thread's latest checkpoint (`continue`, a resume or a command).
    case resuming
    /// Starting from an earlier checkpoint (time travel): finished writes of
    /// that step are not restored; `resuming` when the run continues that
    /// checkpoint rather than giving it new input.
    case replaying(resuming: Bool)

    /// The first step goes on from saved state: node inputs come from the
    /// checkpoint, and subgraphs resume theirs.
    var isResuming: Bool {
        switch self {
        case .resuming, .replaying(resuming: true): true
        case .running, .replaying(resuming: false): false
        }
    }

    var isReplaying: Bool {
        if case .replaying = self { return true }
        return false
    }
}
