import Foundation

/// A run as the database holds it: what was asked, where it is, who runs it.
public struct QueuedRun: Sendable, Equatable {
    public var id: String
    public var threadId: String
    /// A run with a temporary thread (`/runs/...`).
    public var stateless: Bool
    public var assistantId: String
    /// The request body as the client sent it (JSON), so any instance can run it.
    public var request: String
    /// `pending`, `running`, `success`, `error` or `interrupted`.
    public var status: String
    public var createdAt: Date
    public var updatedAt: Date
    /// When an instance first started it (kept across failovers).
    public var startedAt: Date?
    /// The instance running it (while `running`).
    public var owner: String?
    /// 1 for the first instance to run it, 2 after one failover, …
    public var attempt: Int
    /// A client asked to stop it: `interrupt` or `rollback`.
    public var cancel: String?
    /// The thread's status the run left: `idle`, `interrupted` or `error`.
    public var outcome: String?
    /// Final state (JSON), once ended.
    public var finalValues: String?
    public var errorType: String?
    public var errorMessage: String?

    public init(id: String, threadId: String, stateless: Bool, assistantId: String, request: String, createdAt: Date) {
        self.id = id
        self.threadId = threadId
        self.stateless = stateless
        self.assistantId = assistantId
        self.request = request
        status = "pending"
        self.createdAt = createdAt
        updatedAt = createdAt
        attempt = 0
    }

    public var isFinal: Bool { status != "pending" && status != "running" }
}

/// A run was refused because its thread is busy (multitask strategy `reject`).
public struct ThreadBusy: Error, Sendable {}

/// One event of a run's stream as kept for other instances and for replay.
public struct StoredRunEvent: Sendable, Equatable {
    public var runId: String
    public var seq: Int
    public var event: String
    public var data: String

    public init(runId: String, seq: Int, event: String, data: String) {
        self.runId = runId
        self.seq = seq
        self.event = event
        self.data = data
    }
}

/// What instances tell each other about runs (one LISTEN channel).
public enum RunNotice: Sendable, Equatable {
    /// A run was queued or handed back: claim what is pending.
    case queued
    /// A client asked to stop this run.
    case cancel(runId: String)
    /// These runs have new events.
    case events(runIds: [String])
    /// This run ended.
    case ended(runId: String)
    /// A run was submitted on this thread (for those who follow the thread's runs).
    case submitted(threadId: String)
    /// Listening (again): notices sent before were not heard.
    case resync

    var payload: String? {
        switch self {
        case .queued: return "q"
        case .cancel(let id): return "c " + id
        case .events(let ids): return "e " + ids.joined(separator: " ")
        case .ended(let id): return "d " + id
        case .submitted(let thread): return "s " + thread
        case .resync: return nil
        }
    }

    init?(payload: String) {
        let parts = payload.split(separator: " ").map(String.init)
        switch parts.first {
        case "q": self = .queued
        case "c" where parts.count == 2: self = .cancel(runId: parts[1])
        case "e" where parts.count >= 2: self = .events(runIds: Array(parts.dropFirst()))
        case "d" where parts.count == 2: self = .ended(runId: parts[1])
        case "s" where parts.count == 2: self = .submitted(threadId: parts[1])
        default: return nil
        }
    }
}
