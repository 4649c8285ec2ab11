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

extension RunOutcome {
    /// The run's final status.
    var status: RunStatus {
        switch self {
        case .success: return .success
        case .failed: return .error
        case .cancelled: return .interrupted
        }
    }

    /// The status the run leaves its thread in, with the failure when it failed.
    var threadActivity: ThreadActivity {
        switch self {
        case .success(let interrupted): return ThreadActivity(status: interrupted ? "interrupted" : "idle")
        case .failed(let type, let message): return ThreadActivity(status: "error", error: (type, message))
        case .cancelled: return ThreadActivity(status: "interrupted")
        }
    }
}
