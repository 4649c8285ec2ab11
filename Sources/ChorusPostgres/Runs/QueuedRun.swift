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
