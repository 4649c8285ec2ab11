import ChorusGraph
import ChorusStore
import Foundation
import Logging

/// Every run the server knows, over one run queue: in memory for one
/// process (journaled to SQLite), or on PostgreSQL for several instances.
/// The queue decides which instance runs what; this instance submits runs
/// there (claiming its own first, when it has room), runs what it claims
/// under a lease it renews, applies multitask strategies and cancels, and
/// follows runs another instance runs through the queue's events and
/// notices. When an instance dies, its leases run out and another takes its
/// runs, going on from each thread's last checkpoint; a restart on SQLite
/// goes on with what the journal says was unfinished, the same way.
actor RunManager {
    /// How long a claimed run stays with its instance without a renewal.
    let lease: Duration
    /// Runs this instance runs at once, at most.
    let capacity: Int
    /// A run started this many times without ending (the server stopped each time) is failed, not started again.
    static let maxStarts = 3
    private let queue: any RunQueue
    private let executor: RunExecutor
    private let catalog: AssistantCatalog
    private let writer: RunEventWriter
    private let logger: Logger
    /// Runs this instance holds in memory: those it runs, and those others
    /// run that a client here follows (their logs replay the queue's events).
    private var known: [String: ServedRun] = [:]
    /// The known runs this instance runs, with the attempt it runs.
    private var executing: [String: Int] = [:]
    /// Runs stopped here without a record of their end: another instance has them now.
    private var letGo: Set<String> = []
    /// The runs a shutdown stopped before they ended, to release to the queue.
    private var handedBack: [String] = []
    private var accepting = true
    /// Followers of a thread's runs (`GET /threads/{id}/stream`) waiting for the next one.
    nonisolated let threadWatchers = ThreadWatchers()
    /// False once a claim found nothing, until an instance says runs wait
    /// (`.queued`, a resync, leases that ran out): no claim is tried in vain.
    private var pendingMayWait = true
    private var background: [Task<Void, Never>] = []
    private var lastPrune = ContinuousClock.now

    init(queue: any RunQueue, executor: RunExecutor, catalog: AssistantCatalog, lease: Duration, capacity: Int = .max,
         logger: Logger = Logger(label: "chorus.serve")) {
        self.queue = queue
        self.executor = executor
        self.catalog = catalog
        self.lease = lease
        self.capacity = capacity
        self.logger = logger
        writer = RunEventWriter(queue: queue, logger: logger)
    }

    deinit {
        for task in background { task.cancel() }
    }

    /// Reads what an earlier process left, then listens to the instances
    /// (this one too) and keeps leases; the first notice claims what waits.
    /// Once: later calls do nothing.
    func start() async throws {
        guard background.isEmpty else { return }
        try await queue.open()
        let notices = queue.notices()
        background.append(Task { [weak self] in
            for await notice in notices {
                guard let self else { return }
                await self.heard(notice)
            }
        })
        let lease = self.lease
        background.append(Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: lease / 3)
                await self?.keepLeases()
            }
        })
    }

    /// False once shutdown has begun: open streams that wait for runs should end.
    var isAccepting: Bool { accepting }

    /// Queues a run on its thread (applying its multitask strategy) and, with
    /// `follow`, returns its event stream from the very first event.
    func submit(_ run: ServedRun, follow: Bool) async throws -> (key: Int, frames: FrameQueue)? {
        guard accepting else { throw APIError(.serviceUnavailable, "The server is shutting down") }
        let strategy = run.request.multitaskStrategy
        known[run.id] = run
        let stream = follow ? run.log.follow(after: nil) : nil
        let active: [RunRecord]
        do {
            active = try await queue.submit(RunRecord(run), rejectIfBusy: strategy == .reject)
            // Accepted while shutdown began: the shutdown did not see it, so it is ended here.
            guard accepting else { throw APIError(.serviceUnavailable, "The server is shutting down") }
        } catch {
            known[run.id] = nil
            if let stream { run.log.unfollow(stream.key) }
            if error is APIError { try? await queue.delete(run.id) }
            throw error is ThreadBusy ? APIError.busyThread : error
        }
        // Whoever follows the thread's runs, here or on another instance, hears of this one.
        threadWatchers.wake(thread: run.threadId)
        if queue.isShared { try? await queue.notify(.submitted(threadId: run.threadId)) }
        if strategy == .interrupt || strategy == .rollback {
            for other in active { try? await stop(other.id, action: strategy == .rollback ? .rollback : .interrupt) }
        }
        do {
            if accepting, executing.count < capacity, let claimed = try await queue.claim(lease: lease, runId: run.id) {
                await execute(claimed)
                return stream
            }
        } catch {
            logger.warning("chorus serve: could not claim run \(run.id) at once; any instance will: \(error)")
        }
        // No room here (or an older run on the thread goes first): any instance may take it.
        try? await queue.notify(.queued)
        return stream
    }

    /// The run with this id, wherever it runs.
    func run(_ id: String) async throws -> ServedRun? {
        if let run = known[id] { return run }
        guard let row = try await queue.run(id) else { return nil }
        if let run = known[id] { return run }
        if row.isFinal {
            // Ended: its kept events, for a stream that asks for them, then the end.
            let run = try served(row, finished: false)
            for event in try await queue.events(of: id, after: -1) { run.log.replay(seq: event.seq, event: event.event, data: event.data) }
            run.log.finish()
            return run
        }
        let run = try served(row)
        known[id] = run
        await catchUp(id)
        // It may have ended while this was read: its notice found no run here to end.
        await heard(.ended(runId: id))
        return run
    }

    /// The thread's known runs, oldest first.
    func runs(onThread thread: String) async throws -> [ServedRun] {
        var runs: [ServedRun] = []
        for row in try await queue.runs(onThread: thread, limit: 10_000, offset: 0, status: nil).reversed() {
            if row.isFinal {
                runs.append(try known[row.id] ?? served(row))
            } else if let run = try await run(row.id) {
                runs.append(run)
            }
        }
        return runs
    }

    /// The thread's runs, newest first.
    func runs(onThread thread: String, limit: Int, offset: Int, status: RunStatus?) async throws -> [ServedRun] {
        try await queue.runs(onThread: thread, limit: limit, offset: offset, status: status).map { row in
            try known[row.id] ?? served(row)
        }
    }

    /// The thread's runs not in `seen`, oldest first; when there are none, waits
    /// (without polling) until one is submitted, the server shuts down or `timeout` passes.
    func runs(onThread thread: String, notIn seen: Set<String>, waitingAtMost timeout: Duration) async throws -> [ServedRun] {
        let fresh = try await runs(onThread: thread).filter { !seen.contains($0.id) }
        guard fresh.isEmpty else { return fresh }
        await threadWatchers.wait(on: thread, atMost: timeout)
        return try await runs(onThread: thread).filter { !seen.contains($0.id) }
    }

    /// `busy` while a run is active or queued, else how its last run ended; nil when unknown.
    func activity(of thread: String) async throws -> ThreadActivity? {
        try await queue.threadActivity(thread)
    }

    /// Stops a run: a queued one at once, an active one at its next await.
    func cancel(_ run: ServedRun, rollback: Bool) async throws {
        try await stop(run.id, action: rollback ? .rollback : .interrupt)
    }

    /// Cancels the thread's runs and forgets them (the thread is being deleted).
    func forget(thread: String) async throws {
        for run in try await queue.activeRuns(onThread: thread) { try await stop(run.id, action: .rollback) }
        try await queue.forgetRuns(onThread: thread)
    }

    /// Keeps every follower's connection alive.
    func heartbeat() {
        for run in known.values { run.log.heartbeat() }
    }

    /// Claims nothing more, lets the runs here finish for up to `grace`, then
    /// stops the rest. With other instances on the queue, what waits stays
    /// queued for them and what was stopped is handed back; alone, this
    /// instance ends what waits `interrupted` at once, and what it stops too
    /// (a thread then goes on from its last checkpoint).
    func shutdown(grace: Duration) async {
        accepting = false
        threadWatchers.close()
        if !queue.isShared {
            do {
                for row in try await queue.interruptPending() { ended(row) }
            } catch {
                logger.error("chorus serve: could not end the queued runs: \(error)")
            }
        }
        let running = executing.keys.compactMap { known[$0] }
        await GraceWait.untilEnded(running, grace: grace) { await self.stopRunningRuns() }
        let remaining = handedBack
        await writer.flush()
        do {
            try await queue.release(remaining)
        } catch {
            logger.error("chorus serve: could not hand \(remaining.count) runs back to the queue (their leases will run out): \(error)")
        }
        for task in background { task.cancel() }
    }

    /// Stops the runs still running here: alone, each ends `interrupted`; with
    /// other instances, without recording their end (`handedBack` to the queue).
    private func stopRunningRuns() {
        guard queue.isShared else {
            for id in executing.keys { known[id]?.cancel(rollback: false) }
            return
        }
        handedBack = Array(executing.keys)
        letGo.formUnion(handedBack)
        for id in handedBack { known[id]?.cancel(rollback: false) }
    }

    // MARK: claiming and running

    /// Claims pending runs while this instance has room.
    private func claimPending() async {
        while accepting, pendingMayWait, executing.count < capacity {
            let claimed: RunRecord?
            do {
                claimed = try await queue.claim(lease: lease, runId: nil)
            } catch {
                logger.error("chorus serve: could not claim queued runs: \(error)")
                return
            }
            guard let row = claimed else {
                pendingMayWait = false
                return
            }
            await execute(row)
        }
    }

    private func execute(_ row: RunRecord) async {
        if executing[row.id] != nil {
            // Its lease ran out while it still ran here, and this instance took it again: the run goes on as it is.
            executing[row.id] = row.attempt
            letGo.remove(row.id)
            return
        }
        let run: ServedRun
        do {
            run = try known[row.id] ?? served(row)
        } catch {
            // A request this build cannot run (another version queued it): end it as failed.
            await fail(row, "ValueError", "This server cannot run the request: \(ErrorReport.message(of: error))")
            return
        }
        guard row.attempt <= Self.maxStarts else {
            await fail(row, "RuntimeError", "The server stopped \(row.attempt - 1) times while running this run; it is not started again")
            return
        }
        known[row.id] = run
        executing[row.id] = row.attempt
        if row.attempt > 1 {
            // Taken over: what the first instance streamed is replayed first, and the thread goes
            // on from its last checkpoint when the run had written one (its first start came before).
            await catchUp(row.id)
            do {
                try await run.resumeWhereItStopped(startedAt: row.startedAt ?? row.createdAt, checkpoints: executor.checkpoints)
            } catch {
                // Cannot tell where the run stood: hand it back rather than guess.
                executing[row.id] = nil
                try? await queue.release([row.id])
                return
            }
            logger.info("chorus serve: took over run \(row.id) (attempt \(row.attempt))")
        }
        // Others may follow it from the queue's events; alone, only a resumable run's are kept there, for a late join.
        if queue.isShared || run.log.keepsHistory {
            let writer = self.writer, runId = row.id
            run.log.record { seq, event, data in writer.add(StoredRunEvent(runId: runId, seq: seq, event: event, data: data)) }
        }
        run.setStatus(.running)
        if let action = row.cancel { run.cancel(rollback: action == .rollback) }
        let executor = self.executor, attempt = row.attempt
        run.attach(Task {
            let outcome = await executor.execute(run, attempt: attempt)
            // In a task of its own: this one may be cancelled (the run was), and its end must still be recorded.
            await Task { await self.ended(run, outcome) }.value
        })
    }

    /// Ends a claimed run this server will not run, as failed.
    private func fail(_ row: RunRecord, _ type: String, _ message: String) async {
        let failure = ThreadActivity(status: "error", error: (type, message))
        do {
            _ = try await queue.finish(row.id, status: .error, outcome: failure, finalValues: nil)
        } catch {
            logger.error("chorus serve: could not record the end of run \(row.id): \(error)")
        }
        var failed = row
        (failed.status, failed.outcome) = (.error, failure)
        ended(failed)
        pendingMayWait = true
    }

    private func ended(_ run: ServedRun, _ outcome: RunOutcome) async {
        // No longer running here, so shutdown does not hand it back while its end is being recorded.
        executing[run.id] = nil
        let handedOn = letGo.remove(run.id) != nil
        await writer.flush()
        if !handedOn {
            let status = outcome.status
            do {
                let recorded = try await queue.finish(run.id, status: status, outcome: outcome.threadActivity, finalValues: run.finalValues)
                guard recorded.held else {
                    // Another instance took it over meanwhile; its record stands.
                    run.log.finish()
                    known[run.id] = nil
                    return
                }
                if recorded.next {
                    // The thread's next run can start now: here when there is room, else anywhere.
                    pendingMayWait = true
                    if !accepting || executing.count >= capacity { try await queue.notify(.queued) }
                }
                if run.isRolledBack { try await queue.delete(run.id) }
            } catch {
                logger.error("chorus serve: could not record the end of run \(run.id): \(error)")
            }
            run.setStatus(status)
        }
        run.log.finish()
        known[run.id] = nil
        await claimPending()
    }

    /// A run the queue ended before it ran (cancelled, or shutdown): its followers here hear the end.
    private func ended(_ row: RunRecord) {
        guard let run = known.removeValue(forKey: row.id) else { return }
        apply(row, to: run)
        run.log.finish()
    }

    /// Stops a run wherever it is: here at once, and on record in the
    /// queue, so an instance that takes it over does not run it again.
    private func stop(_ id: String, action: CancelAction) async throws {
        if executing[id] != nil, let run = known[id] { run.cancel(rollback: action == .rollback) }
        guard let ended = try await queue.requestCancel(id, action: action) else { return }
        if action == .rollback {
            known[id]?.cancel(rollback: true)
            try await queue.delete(ended.id)
        }
        self.ended(ended)
    }

    // MARK: other instances

    private func heard(_ notice: RunNotice) async {
        switch notice {
        case .queued:
            pendingMayWait = true
            await claimPending()
        case .submitted(let thread):
            threadWatchers.wake(thread: thread)
        case .resync:
            // Notices were missed: every follower of a thread looks again.
            threadWatchers.wakeAll()
            pendingMayWait = true
            await claimPending()
            // Notices were missed: the runs followed here may have gone on, or ended.
            for id in known.keys where executing[id] == nil { await heard(.ended(runId: id)) }
        case .cancel(let id):
            guard executing[id] != nil, let run = known[id] else { return }
            let row = try? await queue.run(id)
            run.cancel(rollback: row?.cancel == .rollback)
        case .events(let ids):
            for id in ids where known[id] != nil && executing[id] == nil { await catchUp(id) }
        case .ended(let id):
            guard executing[id] == nil, let run = known[id] else { return }
            await catchUp(id)
            let found: RunRecord?
            do {
                found = try await queue.run(id)
            } catch {
                return  // The queue is away: the next notice or resync looks again.
            }
            guard let row = found else {
                // Rolled back and deleted.
                run.setStatus(.interrupted)
                run.log.finish()
                known[id] = nil
                return
            }
            guard row.isFinal else { return }
            ended(row)
        }
    }

    /// Replays the events another instance kept for a run followed here.
    private func catchUp(_ id: String) async {
        guard let run = known[id] else { return }
        do {
            for event in try await queue.events(of: id, after: run.log.nextSeq - 1) {
                run.log.replay(seq: event.seq, event: event.event, data: event.data)
            }
        } catch {
            logger.warning("chorus serve: could not read the events of run \(id): \(error)")
        }
    }

    /// Renews the leases of the runs here, stops those another instance took
    /// over, hands back the runs of instances whose leases ran out, and now
    /// and then applies the retention.
    private func keepLeases() async {
        let mine = Array(executing.keys)
        do {
            let held = try await queue.renew(mine, lease: lease)
            for id in mine where executing[id] != nil {
                guard let cancel = held[id] else {
                    logger.warning("chorus serve: run \(id) was taken over by another instance; stopping it here")
                    letGo.insert(id)
                    known[id]?.cancel(rollback: false)
                    continue
                }
                // A cancel whose notice was missed.
                if let cancel { known[id]?.cancel(rollback: cancel == .rollback) }
            }
            if try await queue.requeueExpired() > 0 { pendingMayWait = true }
            if ContinuousClock.now - lastPrune > .seconds(60) {
                lastPrune = ContinuousClock.now
                try await queue.prune()
            }
        } catch where !Task.isCancelled {
            logger.warning("chorus serve: could not renew leases: \(error)")
        } catch {
            return  // Shutting down.
        }
        // A look at the queue now and then, in case a notice was missed; not awaited, so renewals keep their pace.
        if executing.count < capacity { pendingMayWait = true }
        Task { await self.claimPending() }
    }

    // MARK: records

    /// A run as recorded, in memory.
    /// `finished`: an ended run's log is closed (its events are not read).
    private func served(_ row: RunRecord, finished: Bool = true) throws -> ServedRun {
        let run = ServedRun(id: row.id, threadId: row.threadId, isStateless: row.isStateless, assistant: try catalog.resolve(row.assistantId),
                            request: try RunRequest(stored: row.request), createdAt: row.createdAt, keepsHistory: true)
        apply(row, to: run)
        if row.isFinal, finished { run.log.finish() }
        return run
    }

    private func apply(_ row: RunRecord, to run: ServedRun) {
        run.setStatus(row.status, at: row.updatedAt)
        if row.isFinal { run.recordEnd(values: row.finalValues, error: row.error) }
    }
}
