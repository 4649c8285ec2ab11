import ChorusGraph
import ChorusSupport
import ChorusStore
import Foundation
import PostgresNIO

/// The runs of every `chorus serve` instance on one database: queued,
/// claimed by one instance at a time (`FOR UPDATE SKIP LOCKED`, one running
/// run per thread), held under a lease the owner renews, handed to another
/// instance when a lease runs out, stopped on request, and their events kept
/// for clients joining from any instance. Instances wake each other with
/// NOTIFY, so nobody polls for new work.
public final class PostgresRunQueue: Sendable {
    let database: PostgresDatabase
    /// This instance's name, written as the owner of the runs it claims.
    public let instance: String
    static let channel = "chorus_runs"
    private static let columns = """
        run_id, thread_id, stateless, assistant_id, request, status, created_at, updated_at, owner, attempt, cancel, outcome,
        final_values, error_type, error_message, started_at
        """

    public init(database: PostgresDatabase, instance: String) {
        self.database = database
        self.instance = instance
    }

    // MARK: queueing and claiming

    /// Queues a run, unless its thread is busy and it must not wait (`reject`:
    /// throws `ThreadBusy`). Returns the thread's runs that were pending or
    /// running, checked and queued under one lock per thread, so two requests
    /// on one thread at once (on any instances) see each other. The instance
    /// that took the request claims it first when it has room, and wakes the
    /// others (`notify(.queued)`) when it has not.
    public func submit(_ run: QueuedRun, rejectIfBusy: Bool) async throws -> [QueuedRun] {
        try await database.transaction { connection, logger in
            try await connection.query("SELECT pg_advisory_xact_lock(hashtext(\(run.threadId)))", logger: logger)
            let active = try await connection.query(PostgresQuery(unsafeSQL: """
                SELECT \(Self.columns) FROM runs WHERE thread_id = $1 AND status IN ('pending', 'running') ORDER BY created_at
                """, binds: .of(run.threadId)), logger: logger).collect()
            let runs = try Self.runs(active)
            if rejectIfBusy, !runs.isEmpty { throw ThreadBusy() }
            try await connection.query("""
                INSERT INTO runs (run_id, thread_id, stateless, assistant_id, request, status, created_at, updated_at)
                VALUES (\(run.id), \(run.threadId), \(run.stateless), \(run.assistantId), \(run.request), 'pending',
                        \(run.createdAt.timeIntervalSince1970), \(run.updatedAt.timeIntervalSince1970))
                """, logger: logger)
            return runs
        }
    }

    /// Takes the oldest pending run whose thread has none running, for `lease`;
    /// nil when there is none. Two instances never take the same run, and a
    /// thread never has two running (a unique index decides a tie). With
    /// `runId`, only that run, and only when it is next on its thread.
    public func claim(lease: Duration, runId: String? = nil) async throws -> QueuedRun? {
        var b = PostgresBindings.of(instance, Date().timeIntervalSince1970, lease.seconds)
        b.append(runId)
        while true {
            do {
                return try await database.rows(PostgresQuery(unsafeSQL: """
                    UPDATE runs SET status = 'running', owner = $1, attempt = attempt + 1, updated_at = $2, started_at = coalesce(started_at, $2),
                                    lease_until = now() + make_interval(secs => $3)
                    WHERE run_id = (
                        SELECT r.run_id FROM runs r WHERE r.status = 'pending' AND ($4::text IS NULL OR r.run_id = $4)
                        AND NOT EXISTS (SELECT 1 FROM runs a WHERE a.thread_id = r.thread_id AND a.status = 'running')
                        AND NOT EXISTS (SELECT 1 FROM runs o WHERE o.thread_id = r.thread_id AND o.status = 'pending'
                                        AND o.created_at < r.created_at)
                        ORDER BY r.created_at LIMIT 1 FOR UPDATE SKIP LOCKED)
                    RETURNING \(Self.columns)
                    """, binds: b), as: Self.run).first
            } catch PostgresStoreError.server(let code, _) where code == "23505" {
                // Another instance started a run on the same thread at the same moment: look again.
                continue
            }
        }
    }

    /// Extends the lease of the runs this instance holds; returns those it
    /// still holds, with the cancel a client asked for (a run missing was
    /// taken over: stop it without writing).
    public func renew(_ runIds: [String], lease: Duration) async throws -> [String: String?] {
        guard !runIds.isEmpty else { return [:] }
        let held = try await database.rows("""
            UPDATE runs SET lease_until = now() + make_interval(secs => \(lease.seconds))
            WHERE run_id = ANY(\(runIds)::text[]) AND owner = \(instance) AND status = 'running' RETURNING run_id, cancel
            """, as: { try $0.decode((String, String?).self) })
        return Dictionary(held.map { ($0.0, $0.1) }, uniquingKeysWith: { a, _ in a })
    }

    /// Puts runs whose owner let its lease run out (it died, or lost the
    /// database) back in the queue; returns how many.
    @discardableResult
    public func requeueExpired() async throws -> Int {
        let rows = try await database.rows("""
            UPDATE runs SET status = 'pending', owner = NULL, lease_until = NULL, updated_at = \(Date().timeIntervalSince1970)
            WHERE status = 'running' AND lease_until < now() RETURNING run_id
            """)
        if !rows.isEmpty { try await notify(.queued) }
        return rows.count
    }

    /// Forgets what finished runs no longer need, by `retention`: their
    /// events once they ended `eventsFor` ago (a late `join` of the stream
    /// then gets only the end), their final state past the newest
    /// `valuesOfNewest` once they ended `valuesFor` ago, and their records
    /// past the newest `records` or once they ended `recordsFor` ago. Returns
    /// the events and records deleted. Any instance may do it, at any time.
    @discardableResult
    public func prune(_ retention: RunRetention, now: Date = Date()) async throws -> (events: Int, records: Int) {
        let at = now.timeIntervalSince1970
        let (eventsBefore, recordsBefore, valuesBefore) = (at - retention.eventsFor.seconds, at - retention.recordsFor.seconds,
                                                          at - retention.valuesFor.seconds)
        let counts = try await database.rows(PostgresQuery(unsafeSQL: """
            WITH finished AS (SELECT run_id, updated_at, row_number() OVER (ORDER BY updated_at DESC, run_id DESC) AS newest
                              FROM runs WHERE status NOT IN ('pending', 'running')),
            gone AS (SELECT run_id FROM finished WHERE updated_at < $2 OR newest > $4),
            stale AS (SELECT run_id FROM finished WHERE updated_at < $1 OR run_id IN (SELECT run_id FROM gone)),
            events AS (DELETE FROM run_events e USING stale WHERE e.run_id = stale.run_id RETURNING 1),
            records AS (DELETE FROM runs r USING gone WHERE r.run_id = gone.run_id RETURNING 1),
            values_ AS (UPDATE runs r SET final_values = NULL FROM finished f
                        WHERE r.run_id = f.run_id AND r.final_values IS NOT NULL AND f.updated_at < $3 AND f.newest > $5
                        AND f.run_id NOT IN (SELECT run_id FROM gone) RETURNING 1)
            SELECT (SELECT count(*) FROM events)::int8, (SELECT count(*) FROM records)::int8, (SELECT count(*) FROM values_)::int8
            """, binds: PostgresBindings.of(eventsBefore, recordsBefore, valuesBefore, retention.records, retention.valuesOfNewest)),
            as: { try $0.decode((Int, Int, Int).self) })
        return (counts.first?.0 ?? 0, counts.first?.1 ?? 0)
    }

    /// Hands runs this instance holds back to the queue (it is shutting down).
    public func release(_ runIds: [String]) async throws {
        guard !runIds.isEmpty else { return }
        try await database.rows("""
            UPDATE runs SET status = 'pending', owner = NULL, lease_until = NULL
            WHERE run_id = ANY(\(runIds)::text[]) AND owner = \(instance) AND status = 'running'
            """)
        try await notify(.queued)
    }

    // MARK: ending

    /// Asks a run to stop. A pending one ends at once (returned, now
    /// `interrupted`); a running one is told through its owner.
    public func requestCancel(_ runId: String, action: String) async throws -> QueuedRun? {
        let ended = try await database.rows(PostgresQuery(unsafeSQL: """
            UPDATE runs SET status = 'interrupted', outcome = 'interrupted', cancel = $2, updated_at = $3
            WHERE run_id = $1 AND status = 'pending' RETURNING \(Self.columns)
            """, binds: PostgresBindings.of(runId, action, Date().timeIntervalSince1970)), as: Self.run).first
        if let ended {
            try await notify(.ended(runId: ended.id))
            return ended
        }
        try await database.rows("""
            UPDATE runs SET cancel = CASE WHEN cancel = 'rollback' THEN cancel ELSE \(action) END
            WHERE run_id = \(runId) AND status = 'running'
            """)
        try await notify(.cancel(runId: runId))
        return nil
    }

    /// Records how a run this instance holds ended. `held` is false when it no
    /// longer held it (another instance took it over, whose record stands);
    /// `next` is true when a run waits on the same thread.
    @discardableResult
    public func finish(_ runId: String, status: String, outcome: String, finalValues: String?,
                       error: (type: String, message: String)?) async throws -> (held: Bool, next: Bool) {
        // Recorded and announced in one statement (the notice goes out when it commits).
        let held = try await database.rows(PostgresQuery(unsafeSQL: """
            WITH ended AS (
                UPDATE runs SET status = $2, outcome = $3, final_values = $4, error_type = $5, error_message = $6,
                                lease_until = NULL, updated_at = $7
                WHERE run_id = $1 AND owner = $8 AND status = 'running' RETURNING thread_id)
            SELECT (SELECT count(*) FROM ended)::int8,
                   EXISTS (SELECT 1 FROM runs w WHERE w.thread_id IN (SELECT thread_id FROM ended) AND w.status = 'pending'),
                   pg_notify($9, $10)
            """, binds: {
                var b = PostgresBindings.of(runId, status, outcome)
                b.append(finalValues)
                b.append(error?.type)
                b.append(error?.message)
                b.append(Date().timeIntervalSince1970)
                b.append(instance)
                b.append(Self.channel)
                b.append(RunNotice.ended(runId: runId).payload!)
                return b
            }()), as: { try $0.decode((Int, Bool).self) })
        return (held.first?.0 == 1, held.first?.1 == true)
    }

    /// Deletes the record of a run (rolled back: as if it never happened).
    public func delete(_ runId: String) async throws {
        try await database.rows("DELETE FROM run_events WHERE run_id = \(runId)")
        try await database.rows("DELETE FROM runs WHERE run_id = \(runId)")
    }

    /// Forgets a thread's finished runs and their events (the thread was deleted).
    public func deleteFinishedRuns(onThread threadId: String) async throws {
        try await database.rows("""
            WITH gone AS (DELETE FROM runs WHERE thread_id = \(threadId) AND status NOT IN ('pending', 'running') RETURNING run_id)
            DELETE FROM run_events e USING gone WHERE e.run_id = gone.run_id
            """)
    }

    // MARK: reading

    public func run(_ runId: String) async throws -> QueuedRun? {
        try await database.rows(PostgresQuery(unsafeSQL: "SELECT \(Self.columns) FROM runs WHERE run_id = $1", binds: PostgresBindings.of(runId)), as: Self.run).first
    }

    /// The thread's runs, newest first (`status`: only those).
    public func runs(onThread threadId: String, limit: Int, offset: Int, status: String?) async throws -> [QueuedRun] {
        var b = PostgresBindings.of(threadId)
        b.append(status)
        b.append(max(0, min(limit, Int(Int32.max))))
        b.append(max(0, min(offset, Int(Int32.max))))
        return try await database.rows(PostgresQuery(unsafeSQL: """
            SELECT \(Self.columns) FROM runs WHERE thread_id = $1 AND ($2::text IS NULL OR status = $2)
            ORDER BY created_at DESC, run_id DESC LIMIT $3 OFFSET $4
            """, binds: b), as: Self.run)
    }

    /// The thread's runs still pending or running, oldest first.
    public func activeRuns(onThread threadId: String) async throws -> [QueuedRun] {
        try await database.rows(PostgresQuery(unsafeSQL: """
            SELECT \(Self.columns) FROM runs WHERE thread_id = $1 AND status IN ('pending', 'running') ORDER BY created_at
            """, binds: PostgresBindings.of(threadId)), as: Self.run)
    }

    /// `busy` while the thread has a run pending or running, else the outcome of its newest finished run.
    public func threadStatus(_ threadId: String) async throws -> (status: String, errorType: String?, errorMessage: String?)? {
        let rows = try await database.rows(PostgresQuery(unsafeSQL: """
            SELECT CASE WHEN status IN ('pending', 'running') THEN 'busy' ELSE outcome END, error_type, error_message
            FROM runs WHERE thread_id = $1 AND (status IN ('pending', 'running') OR outcome IS NOT NULL)
            ORDER BY (status IN ('pending', 'running')) DESC, updated_at DESC LIMIT 1
            """, binds: PostgresBindings.of(threadId)))
        guard let row = rows.first else { return nil }
        let (status, type, message) = try row.decode((String?, String?, String?).self)
        return status.map { ($0, type, message) }
    }

    // MARK: events

    /// Keeps events (several runs at once), and tells the instances which
    /// runs have new ones, in one statement; an event already kept is left as it is.
    public func append(_ events: [StoredRunEvent]) async throws {
        guard !events.isEmpty else { return }
        var seen = Set<String>()
        var ids: [String] = []
        for event in events where seen.insert(event.runId).inserted { ids.append(event.runId) }
        // A notification carries at most 8000 bytes: several when many runs wrote at once.
        var payloads: [String] = []
        var batch: [String] = []
        var size = 0
        for id in ids {
            if size + id.count + 1 > 7000 {
                payloads.append(RunNotice.events(runIds: batch).payload!)
                batch = []
                size = 0
            }
            batch.append(id)
            size += id.count + 1
        }
        if !batch.isEmpty { payloads.append(RunNotice.events(runIds: batch).payload!) }
        try await database.rows("""
            WITH kept AS (INSERT INTO run_events (run_id, seq, event, data)
                SELECT u.* FROM unnest(\(events.map(\.runId))::text[], \(events.map(\.seq))::int8[], \(events.map(\.event))::text[],
                                       \(events.map(\.data))::text[]) AS u(run_id, seq, event, data)
                -- Only while this instance runs the run: a late batch of an attempt taken over is dropped.
                JOIN runs r ON r.run_id = u.run_id AND r.owner = \(instance)
                ON CONFLICT DO NOTHING)
            SELECT pg_notify(\(Self.channel), p) FROM unnest(\(payloads)::text[]) AS p
            """)
    }

    /// A run's kept events after `seq`, in order.
    public func events(of runId: String, after seq: Int) async throws -> [StoredRunEvent] {
        try await database.rows("""
            SELECT seq, event, data FROM run_events WHERE run_id = \(runId) AND seq > \(seq) ORDER BY seq
            """, as: { row in
            let (seq, event, data) = try row.decode((Int, String, String).self)
            return StoredRunEvent(runId: runId, seq: seq, event: event, data: data)
        })
    }

    // MARK: notices

    public func notify(_ notice: RunNotice) async throws {
        guard let payload = notice.payload else { return }
        try await database.notify(Self.channel, payload)
    }

    /// What the instances say about runs, from now on (`.resync` first).
    public func notices() -> AsyncStream<RunNotice> {
        let heard = database.listen(Self.channel)
        return AsyncStream { continuation in
            let task = Task {
                for await notice in heard {
                    switch notice {
                    case .resync: continuation.yield(.resync)
                    case .payload(let text): if let parsed = RunNotice(payload: text) { continuation.yield(parsed) }
                    }
                }
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    // MARK: rows

    // Not inlined into async callers: see `PostgresCheckpointer.pendingWrite`.
    @inline(never)
    static func runs(_ rows: [PostgresRow]) throws -> [QueuedRun] {
        try rows.map(run)
    }

    static func run(_ row: PostgresRow) throws -> QueuedRun {
        let (id, thread, stateless, assistant, request, status, created, updated, owner, attempt, cancel, outcome, values, errorType, errorMessage,
             started) = try row.decode((String, String, Bool, String, String, String, Double, Double, String?, Int, String?, String?, String?,
                                        String?, String?, Double?).self)
        var run = QueuedRun(id: id, threadId: thread, stateless: stateless, assistantId: assistant, request: request,
                            createdAt: Date(timeIntervalSince1970: created))
        run.status = status
        run.updatedAt = Date(timeIntervalSince1970: updated)
        run.owner = owner
        run.attempt = attempt
        run.cancel = cancel
        run.outcome = outcome
        run.finalValues = values
        run.errorType = errorType
        run.errorMessage = errorMessage
        run.startedAt = started.map(Date.init(timeIntervalSince1970:))
        return run
    }
}
