import ChorusGraph
import ChorusStore
import Foundation

/// Every run the server knows, one at a time per thread: queues runs per
/// thread, applies multitask strategies, cancels, and remembers how each
/// thread's last run ended (its status until the next run). With a journal,
/// every run on a thread is written down as it is accepted and as its status
/// changes, so a restart (even after `kill -9`) lists it and goes on with it.
actor RunManager {
    private let executor: RunExecutor
    private let journal: RunJournal?
    /// Resolves the assistants of journaled runs after a restart.
    private let catalog: AssistantCatalog?
    /// Runs a restart went on with, by the attempt they are on (2 after one restart, …).
    private var attempts: [String: Int] = [:]
    /// A run the server stopped in the middle of this many times is not started again, but failed.
    static let maxAttempts = 3
    /// Finished runs kept for `runs.get` / `runs.list`, oldest dropped first.
    private let retainedRuns: Int
    private var runs: [String: ServedRun] = [:]
    private var runsByThread: [String: [String]] = [:]
    private var active: [String: ServedRun] = [:]
    private var queued: [String: [ServedRun]] = [:]
    private var lastOutcome: [String: ThreadActivity] = [:]
    private var finishedOrder: [String] = []
    private var accepting = true
    nonisolated let threadWatchers = ThreadWatchers()
    /// Finished runs that keep their final state in memory for `join`, oldest first.
    private var keepingValues: [(run: ServedRun, endedAt: ContinuousClock.Instant)] = []
    /// At least this many finished runs keep their final state, and every run for `valuesKeptFor` after it ends.
    private let runsWithValues: Int
    private let valuesKeptFor: Duration

    init(executor: RunExecutor, journal: RunJournal? = nil, catalog: AssistantCatalog? = nil, retainedRuns: Int = 10_000,
         runsWithValues: Int = 100, valuesKeptFor: Duration = .seconds(300)) {
        self.executor = executor
        self.journal = journal
        self.catalog = catalog
        self.retainedRuns = retainedRuns
        self.runsWithValues = runsWithValues
        self.valuesKeptFor = valuesKeptFor
    }

    /// Queues a run on its thread (starting it when the thread is free) and,
    /// with `follow`, returns its event stream from the very first event.
    func submit(_ run: ServedRun, follow: Bool) async throws -> (key: Int, frames: FrameQueue)? {
        guard accepting else { throw APIError(.serviceUnavailable, "The server is shutting down") }
        if let journal, !run.isStateless {
            // Written before the client hears of the run: an accepted run survives a crash.
            try await journal.insert(JournaledRun(id: run.id, threadId: run.threadId, assistantId: run.assistant.assistantId,
                                                  request: run.request.stored,
                                                  status: RunStatus.pending.rawValue, createdAt: run.createdAt, updatedAt: run.createdAt))
            guard accepting else {
                journal.remove([run.id])
                throw APIError(.serviceUnavailable, "The server is shutting down")
            }
        }
        let thread = run.threadId
        if isBusy(thread) {
            switch run.request.multitaskStrategy {
            case .reject: throw APIError.busyThread
            case .interrupt, .rollback:
                let rollback = run.request.multitaskStrategy == .rollback
                for waiting in queued[thread] ?? [] { endQueued(waiting, rollback: rollback) }
                queued[thread] = []
                active[thread]?.cancel(rollback: rollback)
            case .enqueue: break
            }
        }
        let stream = follow ? run.log.follow(after: nil) : nil
        runs[run.id] = run
        runsByThread[thread, default: []].append(run.id)
        queued[thread, default: []].append(run)
        startNext(on: thread)
        threadWatchers.wake(thread: thread)
        return stream
    }


    func run(_ id: String) -> ServedRun? { runs[id] }

    /// The thread's known runs, oldest first.
    func runs(onThread thread: String) -> [ServedRun] {
        (runsByThread[thread] ?? []).compactMap { runs[$0] }
    }

    /// False once shutdown has begun: open streams that wait for runs should end.
    var isAccepting: Bool { accepting }

    /// The thread's runs, newest first.
    func runs(onThread thread: String, limit: Int, offset: Int, status: RunStatus?) -> [ServedRun] {
        let all = runs(onThread: thread).reversed().filter { status == nil || $0.status == status }
        return Array(all.dropFirst(offset).prefix(limit))
    }

    /// `busy` while a run is active or queued, else how its last run ended;
    /// nil when no run happened since the server started.
    func activity(of thread: String) -> ThreadActivity? {
        isBusy(thread) ? ThreadActivity(status: "busy") : lastOutcome[thread]
    }

    /// Stops a run: a queued one at once, an active one at its next await.
    func cancel(_ run: ServedRun, rollback: Bool) {
        if let index = queued[run.threadId]?.firstIndex(where: { $0 === run }) {
            queued[run.threadId]?.remove(at: index)
            endQueued(run, rollback: rollback)
        } else if active[run.threadId] === run {
            run.cancel(rollback: rollback)
        }
    }

    /// Cancels the thread's runs and forgets them (the thread is being deleted).
    func forget(thread: String) {
        for waiting in queued[thread] ?? [] { endQueued(waiting, rollback: true) }
        queued[thread] = nil
        active[thread]?.cancel(rollback: true)
        for id in runsByThread[thread] ?? [] where active[thread]?.id != id { runs[id] = nil }
        runsByThread[thread] = nil
        lastOutcome[thread] = nil
    }

    /// Keeps every follower's connection alive.
    func heartbeat() {
        for run in active.values { run.log.heartbeat() }
        for list in queued.values { for run in list { run.log.heartbeat() } }
    }

    /// Refuses new runs, lets running ones finish for up to `grace`, then
    /// cancels the rest (their threads can be resumed from their last checkpoint).
    func shutdown(grace: Duration) async {
        accepting = false
        threadWatchers.close()
        for (thread, list) in queued {
            for run in list { endQueued(run, rollback: false) }
            queued[thread] = []
        }
        let running = Array(active.values)
        await GraceWait.untilEnded(running, grace: grace) {
            for run in running { run.cancel(rollback: false) }
        }
    }

    /// After a restart: lists the journal's runs again, and goes on with the
    /// ones the last process left pending or running, in the order they came:
    /// a running one from its thread's last checkpoint when it had written one
    /// (else from its input), a pending one from its input.
    func start() async throws {
        guard let journal, let catalog else { return }
        for entry in try await journal.recent(limit: retainedRuns) {
            guard let request = try? RunRequest(stored: entry.request), let assistant = try? catalog.resolve(entry.assistantId) else {
                if entry.isUnfinished {
                    journal.update(entry.id, status: RunStatus.error.rawValue, at: Date(),
                                   error: ("ValueError", "This server cannot run the request it had accepted"))
                }
                continue
            }
            let run = ServedRun(id: entry.id, threadId: entry.threadId, isStateless: false, assistant: assistant, request: request,
                                createdAt: entry.createdAt, keepsHistory: request.streamResumable)
            runs[run.id] = run
            runsByThread[run.threadId, default: []].append(run.id)
            var status = RunStatus(rawValue: entry.status) ?? .error
            var error = entry.errorType.map { ($0, entry.errorMessage ?? "") }
            if status == .running, entry.attempt >= Self.maxAttempts {
                (status, error) = (.error, ("RuntimeError", "The server stopped \(entry.attempt) times while running this run; it is not started again"))
                journal.update(run.id, status: status.rawValue, at: Date(), error: error)
            }
            guard !status.isFinal else {
                run.setStatus(status, at: entry.updatedAt)
                run.recordEnd(values: .null, error: error)
                run.log.finish()
                finishedOrder.append(run.id)
                continue
            }
            if status == .running {
                attempts[run.id] = entry.attempt + 1
                try await run.resumeWhereItStopped(startedAt: entry.startedAt ?? entry.createdAt, checkpoints: executor.checkpoints)
            }
            queued[run.threadId, default: []].append(run)
        }
        for thread in Array(queued.keys) { startNext(on: thread) }
    }

    // MARK: - internals

    private func isBusy(_ thread: String) -> Bool {
        active[thread] != nil || !(queued[thread]?.isEmpty ?? true)
    }

    private func startNext(on thread: String) {
        guard active[thread] == nil, var waiting = queued[thread], !waiting.isEmpty else { return }
        let run = waiting.removeFirst()
        queued[thread] = waiting.isEmpty ? nil : waiting
        active[thread] = run
        let now = Date()
        run.setStatus(.running, at: now)
        let attempt = attempts[run.id] ?? 1
        if !run.isStateless { journal?.update(run.id, status: RunStatus.running.rawValue, at: now, attempt: attempt, startedAt: now) }
        let executor = self.executor
        run.attach(Task {
            let outcome = await executor.execute(run, attempt: attempt)
            self.ended(run, outcome)
        })
    }

    private func ended(_ run: ServedRun, _ outcome: RunOutcome) {
        run.setStatus(outcome.status)
        attempts[run.id] = nil
        if !run.isStateless { journal?.update(run.id, status: outcome.status.rawValue, at: Date(), error: run.error) }
        lastOutcome[run.threadId] = outcome.threadActivity
        if active[run.threadId] === run { active[run.threadId] = nil }
        retire(run)
        run.log.finish()
        startNext(on: run.threadId)
    }

    private func endQueued(_ run: ServedRun, rollback: Bool) {
        run.setStatus(.interrupted)
        if !run.isStateless { journal?.update(run.id, status: RunStatus.interrupted.rawValue, at: Date()) }
        if rollback { run.cancel(rollback: true) }
        retire(run)
        run.log.finish()
    }

    /// A finished run: dropped now if rolled back, else kept until `retainedRuns` newer ones finish.
    private func retire(_ run: ServedRun) {
        if run.isRolledBack {
            runs[run.id] = nil
            runsByThread[run.threadId]?.removeAll { $0 == run.id }
            journal?.remove([run.id])
            return
        }
        finishedOrder.append(run.id)
        // Only the newest runs, and runs that ended lately, keep their final
        // state; `join` on an older one reads its thread.
        keepingValues.append((run, ContinuousClock.now))
        while keepingValues.count > runsWithValues, let oldest = keepingValues.first,
              ContinuousClock.now - oldest.endedAt > valuesKeptFor {
            oldest.run.forgetValues()
            keepingValues.removeFirst()
        }
        if finishedOrder.count > retainedRuns + retainedRuns / 10 {
            let dropped = finishedOrder.prefix(finishedOrder.count - retainedRuns)
            for id in dropped {
                if let old = runs.removeValue(forKey: id) { runsByThread[old.threadId]?.removeAll { $0 == id } }
            }
            journal?.remove(Array(dropped))
            finishedOrder.removeFirst(finishedOrder.count - retainedRuns)
        }
    }
}
