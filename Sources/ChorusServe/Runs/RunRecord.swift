import ChorusGraph
import Foundation

/// A run as a run queue holds it: what was asked, where it is, who runs it,
/// and how it ended.
struct RunRecord: Sendable {
    let id: String
    let threadId: String
    /// A run with a temporary thread (`/runs/…`).
    let isStateless: Bool
    let assistantId: String
    /// The request body as the client sent it (JSON), so any instance can run it.
    let request: String
    let createdAt: Date
    var status: RunStatus = .pending
    var updatedAt: Date
    /// When an instance first started it (kept across restarts and failovers).
    var startedAt: Date?
    /// The instance running it (while `running`).
    var owner: String?
    /// 1 for its first start, 2 once a restart or another instance went on with it, …
    var attempt = 0
    /// A client asked to stop it.
    var cancel: CancelAction?
    /// How it left its thread, once ended (nil when it was never recorded).
    var outcome: ThreadActivity?
    /// Final state, once ended, while the retention keeps it.
    var finalValues: Value?

    /// A new run, pending.
    init(_ run: ServedRun) {
        id = run.id
        threadId = run.threadId
        isStateless = run.isStateless
        assistantId = run.assistant.assistantId
        request = run.request.stored
        createdAt = run.createdAt
        updatedAt = run.createdAt
    }

    init(id: String, threadId: String, isStateless: Bool, assistantId: String, request: String, createdAt: Date, updatedAt: Date) {
        self.id = id
        self.threadId = threadId
        self.isStateless = isStateless
        self.assistantId = assistantId
        self.request = request
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    var isFinal: Bool { status.isFinal }
    var error: (type: String, message: String)? { outcome?.error }
}
