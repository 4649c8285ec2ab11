import ChorusGraph
import ChorusPostgres
import ChorusStore
import Foundation

/// The run queue of every instance on one PostgreSQL database: the
/// database's `PostgresRunQueue`, in the server's types.
struct ClusterRunQueue: RunQueue {
    let postgres: PostgresRunQueue
    let retention: RunRetention

    var instance: String { postgres.instance }
    var isShared: Bool { true }

    func open() async throws {}

    func submit(_ run: RunRecord, rejectIfBusy: Bool) async throws -> [RunRecord] {
        var row = QueuedRun(id: run.id, threadId: run.threadId, stateless: run.isStateless, assistantId: run.assistantId,
                            request: run.request, createdAt: run.createdAt)
        row.updatedAt = run.updatedAt
        return try await postgres.submit(row, rejectIfBusy: rejectIfBusy).map(Self.record)
    }

    func claim(lease: Duration, runId: String?) async throws -> RunRecord? {
        try await postgres.claim(lease: lease, runId: runId).map(Self.record)
    }

    func renew(_ runIds: [String], lease: Duration) async throws -> [String: CancelAction?] {
        try await postgres.renew(runIds, lease: lease).mapValues { $0.flatMap(CancelAction.init(rawValue:)) }
    }

    func requeueExpired() async throws -> Int { try await postgres.requeueExpired() }

    func prune() async throws { try await postgres.prune(retention) }

    func release(_ runIds: [String]) async throws { try await postgres.release(runIds) }

    /// Never called: other instances go on with a cluster's pending runs.
    func interruptPending() async throws -> [RunRecord] { [] }

    func requestCancel(_ runId: String, action: CancelAction) async throws -> RunRecord? {
        try await postgres.requestCancel(runId, action: action.rawValue).map(Self.record)
    }

    func finish(_ runId: String, status: RunStatus, outcome: ThreadActivity, finalValues: Value?) async throws -> (held: Bool, next: Bool) {
        try await postgres.finish(runId, status: status.rawValue, outcome: outcome.status,
                                  finalValues: finalValues.map { JSON.serialize($0, sortKeys: false) }, error: outcome.error)
    }

    func delete(_ runId: String) async throws { try await postgres.delete(runId) }

    func forgetRuns(onThread threadId: String) async throws { try await postgres.deleteFinishedRuns(onThread: threadId) }

    func run(_ runId: String) async throws -> RunRecord? { try await postgres.run(runId).map(Self.record) }

    func runs(onThread threadId: String, limit: Int, offset: Int, status: RunStatus?) async throws -> [RunRecord] {
        try await postgres.runs(onThread: threadId, limit: limit, offset: offset, status: status?.rawValue).map(Self.record)
    }

    func activeRuns(onThread threadId: String) async throws -> [RunRecord] {
        try await postgres.activeRuns(onThread: threadId).map(Self.record)
    }

    func threadActivity(_ threadId: String) async throws -> ThreadActivity? {
        guard let found = try await postgres.threadStatus(threadId) else { return nil }
        return ThreadActivity(status: found.status, error: found.errorType.map { ($0, found.errorMessage ?? "") })
    }

    func append(_ events: [StoredRunEvent]) async throws { try await postgres.append(events) }

    func events(of runId: String, after seq: Int) async throws -> [StoredRunEvent] { try await postgres.events(of: runId, after: seq) }

    func notify(_ notice: RunNotice) async throws { try await postgres.notify(notice) }

    func notices() -> AsyncStream<RunNotice> { postgres.notices() }

    /// A row in the server's types (a final state the database cannot parse is left out).
    private static func record(_ row: QueuedRun) -> RunRecord {
        var run = RunRecord(id: row.id, threadId: row.threadId, isStateless: row.stateless, assistantId: row.assistantId,
                            request: row.request, createdAt: row.createdAt, updatedAt: row.updatedAt)
        run.status = RunStatus(rawValue: row.status) ?? .error
        run.startedAt = row.startedAt
        run.owner = row.owner
        run.attempt = row.attempt
        run.cancel = row.cancel.flatMap(CancelAction.init(rawValue:))
        if let outcome = row.outcome {
            run.outcome = ThreadActivity(status: outcome, error: row.errorType.map { ($0, row.errorMessage ?? "") })
        } else if let type = row.errorType {
            run.outcome = ThreadActivity(status: "error", error: (type, row.errorMessage ?? ""))
        }
        run.finalValues = row.finalValues.flatMap { try? JSON.parse($0) }
        return run
    }
}
