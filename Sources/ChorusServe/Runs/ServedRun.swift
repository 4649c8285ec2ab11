import ChorusGraph
import ChorusSupport
import Foundation

/// One run the server knows: what was asked, where it is, and its event log.
final class ServedRun: Sendable {
    let id: String
    let threadId: String
    /// A stateless run (`/runs/…`): its thread is temporary and in memory.
    let isStateless: Bool
    let assistant: Assistant
    let request: RunRequest
    let createdAt: Date
    let log: RunLog

    private struct Mutable {
        var status: RunStatus = .pending
        var updatedAt: Date
        var task: Task<Void, Never>?
        /// Final state (with `__interrupt__` when it stopped on interrupts), once
        /// ended; nil again once the run is old (see `forgetValues`).
        var finalValues: Value?
        var error: (type: String, message: String)?
        /// Set when a cancel asked for the run to be deleted as well.
        var rollback = false
        /// A cancel came before the run's task was attached: the task is cancelled as it is.
        var cancelled = false
        /// Taken over from an instance that died: continue its thread from the
        /// last checkpoint rather than apply the input again.
        var resumesFromCheckpoint = false
    }

    private let mutable: Locked<Mutable>

    /// A new run. `keepsHistory`: keep every event for `Last-Event-ID` (always on several instances).
    convenience init(threadId: String, isStateless: Bool, assistant: Assistant, request: RunRequest, keepsHistory: Bool = false) {
        let now = Date()
        self.init(id: WireClock.uuid7(at: now), threadId: threadId, isStateless: isStateless, assistant: assistant, request: request,
                  createdAt: now, keepsHistory: keepsHistory || request.streamResumable)
    }

    /// A run as recorded (by this or another instance).
    init(id: String, threadId: String, isStateless: Bool, assistant: Assistant, request: RunRequest, createdAt: Date, keepsHistory: Bool) {
        self.id = id
        self.threadId = threadId
        self.isStateless = isStateless
        self.assistant = assistant
        self.request = request
        self.createdAt = createdAt
        log = RunLog(keepsHistory: keepsHistory, createdAt: createdAt)
        mutable = Locked(Mutable(updatedAt: createdAt))
    }

    var resumesFromCheckpoint: Bool {
        get { mutable.withLock { $0.resumesFromCheckpoint } }
        set { mutable.withLock { $0.resumesFromCheckpoint = newValue } }
    }

    /// For a run taken up again after it had started (a restart, or another
    /// instance that died): it goes on from its thread's last checkpoint when
    /// that was written since `startedAt`, else from its input.
    func resumeWhereItStopped(startedAt: Date, checkpoints: any Checkpointer) async throws {
        let latest = try await checkpoints.get(threadId: threadId, namespace: "", id: nil)
        resumesFromCheckpoint = latest.flatMap { CheckpointID.date(of: $0.checkpoint.id) }.map { $0 >= startedAt } ?? false
    }

    var status: RunStatus { mutable.withLock { $0.status } }
    var finalValues: Value? { mutable.withLock { $0.finalValues } }
    var error: (type: String, message: String)? { mutable.withLock { $0.error } }
    var isRolledBack: Bool { mutable.withLock { $0.rollback } }

    func setStatus(_ status: RunStatus, at date: Date = Date()) {
        mutable.withLock {
            $0.status = status
            $0.updatedAt = date
        }
    }

    /// Drops the final state kept for `wait` and `join`: old runs keep only
    /// their record, so memory stays bounded however many runs are kept.
    func forgetValues() {
        mutable.withLock { $0.finalValues = nil }
    }

    func attach(_ task: Task<Void, Never>) {
        let cancelled = mutable.withLock { m -> Bool in
            m.task = task
            return m.cancelled
        }
        if cancelled { task.cancel() }
    }

    func recordEnd(values: Value?, error: (type: String, message: String)?) {
        mutable.withLock {
            $0.finalValues = values
            $0.error = error
        }
    }

    /// Asks the running task to stop (it ends `interrupted`).
    func cancel(rollback: Bool) {
        let task = mutable.withLock { m -> Task<Void, Never>? in
            m.rollback = m.rollback || rollback
            m.cancelled = true
            return m.task
        }
        task?.cancel()
    }

    /// The run object of the API.
    var json: Value {
        let (status, updatedAt) = mutable.withLock { ($0.status, $0.updatedAt) }
        var kwargs = request.kwargs
        kwargs["stream_mode"] = .array(request.streamModes.map { .string($0.rawValue) })
        kwargs["subgraphs"] = .bool(request.streamSubgraphs)
        kwargs["resumable"] = .bool(request.streamResumable)
        kwargs["temporary"] = .bool(isStateless)
        for key in ["input", "command", "config", "context", "interrupt_before", "interrupt_after", "webhook", "feedback_keys"]
        where kwargs[key] == nil {
            kwargs[key] = .null
        }
        kwargs.removeValue(forKey: "assistant_id")
        return .object([
            "run_id": .string(id), "thread_id": .string(threadId), "assistant_id": .string(assistant.assistantId),
            "metadata": .object(request.metadata), "status": .string(status.rawValue), "kwargs": .object(kwargs),
            "multitask_strategy": .string(request.multitaskStrategy.rawValue),
            "created_at": .string(WireClock.timestamp(createdAt)), "updated_at": .string(WireClock.timestamp(updatedAt)),
        ])
    }
}
