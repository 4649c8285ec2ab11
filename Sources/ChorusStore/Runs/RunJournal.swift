import Foundation
import GRDB

/// The runs `chorus serve` accepted on this database (table `served_runs`),
/// so a restart, even after `kill -9`, still lists and finds them and goes on
/// with the ones left unfinished.
///
/// A new run is written before the server answers for it (`insert` is
/// awaited). Later changes (`update`, `remove`) are queued on the database's
/// one writer in the order they are made and not waited for: one lost in a
/// crash leaves the run `running` in the journal, and the restart then goes on
/// from the thread's last checkpoint, which finds the run's work done.
public final class RunJournal: Sendable {
    let database: ChorusDatabase
    private let failures: @Sendable (any Error) -> Void

    /// `failures` is told of a queued write that failed.
    public init(database: ChorusDatabase, failures: @escaping @Sendable (any Error) -> Void = { _ in }) {
        self.database = database
        self.failures = failures
    }

    /// Records a new run and returns once it is committed.
    public func insert(_ run: JournaledRun) async throws {
        try await database.pool.write { db in
            try db.execute(sql: """
                INSERT INTO served_runs (id, thread_id, assistant_id, request_json, status, attempt, created_at, updated_at, started_at,
                                         error_type, error_message)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [run.id, run.threadId, run.assistantId, run.request, run.status, run.attempt,
                                 run.createdAt.timeIntervalSince1970, run.updatedAt.timeIntervalSince1970,
                                 run.startedAt?.timeIntervalSince1970, run.errorType, run.errorMessage])
        }
    }

    /// Queues a change of status (and, when it starts, its attempt and first start).
    public func update(_ id: String, status: String, at date: Date, attempt: Int? = nil, startedAt: Date? = nil,
                       error: (type: String, message: String)? = nil) {
        enqueue { db in
            try db.execute(sql: """
                UPDATE served_runs SET status = ?, updated_at = ?, attempt = COALESCE(?, attempt),
                       started_at = COALESCE(started_at, ?), error_type = ?, error_message = ?
                WHERE id = ?
                """, arguments: [status, date.timeIntervalSince1970, attempt, startedAt?.timeIntervalSince1970,
                                 error?.type, error?.message, id])
        }
    }

    /// Queues forgetting runs (rolled back, or older than the server keeps).
    public func remove(_ ids: [String]) {
        guard !ids.isEmpty else { return }
        enqueue { db in
            for id in ids { try db.execute(sql: "DELETE FROM served_runs WHERE id = ?", arguments: [id]) }
        }
    }

    /// The newest `limit` runs, oldest first.
    public func recent(limit: Int) async throws -> [JournaledRun] {
        try await database.pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT * FROM (
                    SELECT id, thread_id, assistant_id, request_json, status, attempt, created_at, updated_at, started_at,
                           error_type, error_message
                    FROM served_runs ORDER BY created_at DESC, id DESC LIMIT ?
                ) ORDER BY created_at, id
                """, arguments: [limit]).map(Self.run)
        }
    }

    private func enqueue(_ change: @escaping @Sendable (Database) throws -> Void) {
        let failures = self.failures
        database.pool.asyncWrite({ db in try change(db) }, completion: { _, result in
            if case .failure(let error) = result { failures(error) }
        })
    }

    private static func run(_ row: Row) -> JournaledRun {
        JournaledRun(id: row["id"], threadId: row["thread_id"], assistantId: row["assistant_id"], request: row["request_json"],
                     status: row["status"], attempt: row["attempt"], createdAt: Date(timeIntervalSince1970: row["created_at"]),
                     updatedAt: Date(timeIntervalSince1970: row["updated_at"]),
                     startedAt: (row["started_at"] as Double?).map(Date.init(timeIntervalSince1970:)),
                     errorType: row["error_type"], errorMessage: row["error_message"])
    }
}
