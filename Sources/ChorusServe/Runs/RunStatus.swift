/// Where a run is in its life, as the API reports it.
enum RunStatus: String, Sendable {
    case pending, running, success, error, interrupted

    var isFinal: Bool { self != .pending && self != .running }
}

/// How a run ended.
enum RunOutcome: Sendable {
    /// Finished, or stopped on interrupts (then the thread is `interrupted`).
    case success(interrupted: Bool)
    case failed(type: String, message: String)
    /// Cancelled by a client, a newer run (multitask `interrupt`/`rollback`) or shutdown.
    case cancelled
}
