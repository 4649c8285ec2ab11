import ChorusGraph
import ChorusStore
import ChorusSupport
import Foundation

/// The run queue of one process: one `chorus serve` on SQLite (its runs
/// journaled, so a restart, even after `kill -9`, lists them and goes on
/// with the unfinished ones), or several instances in one process sharing
/// a `Board`, each through a queue of its own name.
struct InMemoryRunQueue: RunQueue {
    let board: Board
    let instance: String
    let isShared: Bool

    /// `isShared`: other instances serve the same board.
    init(board: Board, instance: String = "local", isShared: Bool = false) {
        self.board = board
        self.instance = instance
        self.isShared = isShared
    }

    func open() async throws { try await board.open() }

    func submit(_ run: RunRecord, rejectIfBusy: Bool) async throws -> [RunRecord] {
        let active = try board.state.withLock { s -> [RunRecord] in
            let active = s.active(onThread: run.threadId)
            if rejectIfBusy, !active.isEmpty { throw ThreadBusy() }
            s.add(run)
            return active
        }
        do {
            try await board.journal(run)
        } catch {
            board.state.withLock { $0.remove(run.id) }
            throw error
        }
        return active
    }

    func claim(lease: Duration, runId: String?) async throws -> RunRecord? {
        let claimed = board.state.withLock { s -> RunRecord? in
            guard let id = runId.map({ s.isNext($0) ? $0 : nil }) ?? s.nextClaimable() else { return nil }
            s.leases[id] = .now + lease
            return s.update(id) { run in
                run.status = .running
                run.owner = instance
                run.attempt += 1
                run.updatedAt = Date()
                run.startedAt = run.startedAt ?? run.updatedAt
            }
        }
        if let claimed { board.journalStatus(of: claimed) }
        return claimed
    }

    func renew(_ runIds: [String], lease: Duration) async throws -> [String: CancelAction?] {
        board.state.withLock { s in
            var held: [String: CancelAction?] = [:]
            for id in runIds {
                guard let run = s.records[id], run.owner == instance, run.status == .running else { continue }
                s.leases[id] = .now + lease
                held[id] = .some(run.cancel)
            }
            return held
        }
    }

    func requeueExpired() async throws -> Int {
        let requeued = board.state.withLock { s -> [RunRecord] in
            let now = ContinuousClock.now
            let expired = s.leases.filter { $0.value < now }.map(\.key)
            return expired.compactMap { id in s.requeue(id) }
        }
        for run in requeued { board.journalStatus(of: run) }
        if !requeued.isEmpty { try await notify(.queued) }
        return requeued.count
    }

    func prune() async throws {
        let dropped = board.state.withLock { $0.prune(now: Date()) }
        board.journalRemove(dropped)
    }

    func release(_ runIds: [String]) async throws {
        guard !runIds.isEmpty else { return }
        let released = board.state.withLock { s in
            runIds.compactMap { id in s.records[id]?.owner == instance ? s.requeue(id) : nil }
        }
        for run in released { board.journalStatus(of: run) }
        try await notify(.queued)
    }

    func interruptPending() async throws -> [RunRecord] {
        let ended = board.state.withLock { s in
            // Each end takes its run out of `pending`: go through a copy.
            let waiting = s.pending
            return waiting.compactMap { id in s.end(id, status: .interrupted, outcome: ThreadActivity(status: "interrupted"), values: nil) }
        }
        for run in ended { board.journalStatus(of: run) }
        return ended
    }

    func requestCancel(_ runId: String, action: CancelAction) async throws -> RunRecord? {
        let (ended, running) = board.state.withLock { s -> (RunRecord?, Bool) in
            guard let run = s.records[runId] else { return (nil, false) }
            switch run.status {
            case .pending:
                s.records[runId]?.cancel = action
                return (s.end(runId, status: .interrupted, outcome: ThreadActivity(status: "interrupted"), values: nil), false)
            case .running:
                if run.cancel != .rollback { s.records[runId]?.cancel = action }
                return (nil, true)
            default:
                return (nil, false)
            }
        }
        if let ended {
            board.journalStatus(of: ended)
            try await notify(.ended(runId: runId))
        } else if running {
            try await notify(.cancel(runId: runId))
        }
        return ended
    }

    func finish(_ runId: String, status: RunStatus, outcome: ThreadActivity, finalValues: Value?) async throws -> (held: Bool, next: Bool) {
        let (ended, next) = board.state.withLock { s -> (RunRecord?, Bool) in
            guard let run = s.records[runId], run.owner == instance, run.status == .running else { return (nil, false) }
            let ended = s.end(runId, status: status, outcome: outcome, values: finalValues)
            return (ended, s.active(onThread: run.threadId).contains { $0.status == .pending })
        }
        guard let ended else { return (false, false) }
        board.journalStatus(of: ended)
        try await notify(.ended(runId: runId))
        return (true, next)
    }

    func delete(_ runId: String) async throws {
        board.state.withLock { $0.remove(runId) }
        board.journalRemove([runId])
    }

    func forgetRuns(onThread threadId: String) async throws {
        let forgotten = board.state.withLock { s in
            let ids = (s.byThread[threadId] ?? []).filter { s.records[$0]?.isFinal == true }
            for id in ids { s.remove(id) }
            return ids
        }
        board.journalRemove(forgotten)
    }

    func run(_ runId: String) async throws -> RunRecord? {
        board.state.withLock { $0.records[runId] }
    }

    func runs(onThread threadId: String, limit: Int, offset: Int, status: RunStatus?) async throws -> [RunRecord] {
        board.state.withLock { s in
            let all = (s.byThread[threadId] ?? []).reversed().compactMap { s.records[$0] }.filter { status == nil || $0.status == status }
            return Array(all.dropFirst(max(0, offset)).prefix(max(0, limit)))
        }
    }

    func activeRuns(onThread threadId: String) async throws -> [RunRecord] {
        board.state.withLock { $0.active(onThread: threadId) }
    }

    func threadActivity(_ threadId: String) async throws -> ThreadActivity? {
        board.state.withLock { s in
            let runs = (s.byThread[threadId] ?? []).compactMap { s.records[$0] }
            if runs.contains(where: { !$0.isFinal }) { return .busy }
            return runs.filter(\.isFinal).max { ($0.updatedAt, $0.id) < ($1.updatedAt, $1.id) }?.outcome
        }
    }

    func append(_ events: [StoredRunEvent]) async throws {
        let runIds = board.state.withLock { s -> Set<String> in
            var runIds = Set<String>()
            for event in events where s.records[event.runId]?.owner == instance {
                // An event already kept (a batch written twice) is left as it is.
                guard event.seq > (s.events[event.runId]?.last?.seq ?? -1) else { continue }
                s.events[event.runId, default: []].append(event)
                runIds.insert(event.runId)
            }
            return runIds
        }
        if isShared, !runIds.isEmpty { try await notify(.events(runIds: runIds.sorted())) }
    }

    func events(of runId: String, after seq: Int) async throws -> [StoredRunEvent] {
        board.state.withLock { s in (s.events[runId] ?? []).filter { $0.seq > seq } }
    }

    func notify(_ notice: RunNotice) async throws {
        let listeners = board.state.withLock { Array($0.listeners.values) }
        for listener in listeners { listener.yield(notice) }
    }

    func notices() -> AsyncStream<RunNotice> {
        let (stream, continuation) = AsyncStream.makeStream(of: RunNotice.self)
        let key = UUID()
        board.state.withLock { $0.listeners[key] = continuation }
        continuation.onTermination = { [board] _ in board.state.withLock { _ = $0.listeners.removeValue(forKey: key) } }
        continuation.yield(.resync)
        return stream
    }
}

extension InMemoryRunQueue {
    /// The runs themselves, shared by the queues of every instance on it.
    final class Board: Sendable {
        let state: Locked<State>
        private let journal: RunJournal?

        /// `journal`: where a run is written as it is accepted and as its status
        /// changes, and read back by `open` after a restart.
        init(retention: RunRetention = RunRetention(), journal: RunJournal? = nil) {
            state = Locked(State(retention: retention))
            self.journal = journal
        }

        /// Lists the journal's runs again; those the last process left running
        /// wait again, at the attempt they were on (the next claim takes the next).
        func open() async throws {
            guard let journal else { return }
            let limit = state.withLock { $0.retention.records }
            for entry in try await journal.recent(limit: limit) {
                var run = RunRecord(id: entry.id, threadId: entry.threadId, isStateless: false, assistantId: entry.assistantId,
                                    request: entry.request, createdAt: entry.createdAt, updatedAt: entry.updatedAt)
                run.status = RunStatus(rawValue: entry.status) ?? .error
                // A run that never started is on no attempt yet, however an older journal wrote it.
                run.attempt = entry.startedAt == nil ? 0 : entry.attempt
                run.startedAt = entry.startedAt
                if run.status == .running { run.status = .pending }
                if let type = entry.errorType { run.outcome = ThreadActivity(status: "error", error: (type, entry.errorMessage ?? "")) }
                state.withLock { s in
                    s.add(run)
                    if run.isFinal { s.finished.append(run.id) }
                }
            }
        }

        /// Writes a new run down before the client hears of it: an accepted run survives a crash.
        func journal(_ run: RunRecord) async throws {
            guard let journal, !run.isStateless else { return }
            try await journal.insert(JournaledRun(id: run.id, threadId: run.threadId, assistantId: run.assistantId, request: run.request,
                                                  status: run.status.rawValue, attempt: run.attempt, createdAt: run.createdAt,
                                                  updatedAt: run.updatedAt))
        }

        /// Queues writing a run's new status down (not awaited: see `RunJournal`).
        func journalStatus(of run: RunRecord) {
            guard let journal, !run.isStateless else { return }
            journal.update(run.id, status: run.status.rawValue, at: run.updatedAt, attempt: run.status == .running ? run.attempt : nil,
                           startedAt: run.startedAt, error: run.error)
        }

        func journalRemove(_ ids: [String]) {
            journal?.remove(ids)
        }
    }

    /// Every run on a board, indexed for claims.
    struct State {
        let retention: RunRetention
        var records: [String: RunRecord] = [:]
        /// Each thread's runs, oldest first.
        var byThread: [String: [String]] = [:]
        /// Pending runs, oldest first.
        var pending: [String] = []
        /// The run running on each thread.
        var running: [String: String] = [:]
        var leases: [String: ContinuousClock.Instant] = [:]
        var events: [String: [StoredRunEvent]] = [:]
        /// Finished runs, in the order they ended.
        var finished: [String] = []
        /// Finished runs still keeping their final state, in the order they ended.
        var keepingValues: [String] = []
        var listeners: [UUID: AsyncStream<RunNotice>.Continuation] = [:]

        init(retention: RunRetention) {
            self.retention = retention
        }

        func active(onThread thread: String) -> [RunRecord] {
            (byThread[thread] ?? []).compactMap { records[$0] }.filter { !$0.isFinal }
        }

        mutating func add(_ run: RunRecord) {
            records[run.id] = run
            byThread[run.threadId, default: []].append(run.id)
            if run.status == .pending { insertPending(run) }
        }

        /// Forgets a run. `listed`: it may still be in the ordered lists (a
        /// prune took it out of them already, all at once).
        mutating func remove(_ id: String, listed: Bool = true) {
            guard let run = records.removeValue(forKey: id) else { return }
            byThread[run.threadId]?.removeAll { $0 == id }
            if byThread[run.threadId]?.isEmpty == true { byThread[run.threadId] = nil }
            if running[run.threadId] == id { running[run.threadId] = nil }
            leases[id] = nil
            events[id] = nil
            guard listed else { return }
            pending.removeAll { $0 == id }
            finished.removeAll { $0 == id }
            keepingValues.removeAll { $0 == id }
        }

        /// The oldest pending run whose thread runs none and has no older one pending.
        func nextClaimable() -> String? {
            var passed = Set<String>()
            for id in pending {
                guard let thread = records[id]?.threadId else { continue }
                if running[thread] == nil, !passed.contains(thread) { return id }
                passed.insert(thread)
            }
            return nil
        }

        /// True when `id` is pending, its thread runs none and no older run waits there.
        func isNext(_ id: String) -> Bool {
            guard let run = records[id], run.status == .pending, running[run.threadId] == nil else { return false }
            return (byThread[run.threadId] ?? []).first { records[$0]?.status == .pending } == id
        }

        /// Changes a run and keeps the indexes in step with its status; returns it changed.
        mutating func update(_ id: String, _ change: (inout RunRecord) -> Void) -> RunRecord? {
            guard var run = records[id] else { return nil }
            let before = run.status
            change(&run)
            records[id] = run
            if before == .pending, run.status != .pending { pending.removeAll { $0 == id } }
            if before != .pending, run.status == .pending { insertPending(run) }
            if before == .running, run.status != .running {
                if running[run.threadId] == id { running[run.threadId] = nil }
                leases[id] = nil
            }
            if run.status == .running { running[run.threadId] = id }
            return run
        }

        /// A running run back to pending, unowned.
        mutating func requeue(_ id: String) -> RunRecord? {
            guard records[id]?.status == .running else { return nil }
            return update(id) { run in
                run.status = .pending
                run.owner = nil
                run.updatedAt = Date()
            }
        }

        /// Ends a run and applies the retention's counts.
        mutating func end(_ id: String, status: RunStatus, outcome: ThreadActivity, values: Value?) -> RunRecord? {
            let ended = update(id) { run in
                run.status = status
                run.outcome = outcome
                run.finalValues = values
                run.updatedAt = Date()
            }
            guard ended != nil else { return nil }
            finished.append(id)
            keepingValues.append(id)
            dropValues(now: Date())
            return ended
        }

        /// Applies the retention (ages and counts); returns the runs forgotten.
        mutating func prune(now: Date) -> [String] {
            dropValues(now: now)
            func age(_ id: String) -> Double { records[id].map { now.timeIntervalSince($0.updatedAt) } ?? .infinity }
            for id in finished {
                guard age(id) > retention.eventsFor.seconds else { break }
                events[id] = nil
            }
            var count = max(0, finished.count - retention.records)
            while count < finished.count, age(finished[count]) > retention.recordsFor.seconds { count += 1 }
            let dropped = Array(finished.prefix(count))
            finished.removeFirst(count)
            let gone = Set(dropped)
            keepingValues.removeAll { gone.contains($0) }
            for id in dropped { remove(id, listed: false) }
            return dropped
        }

        /// Only the newest runs, and runs that ended lately, keep their final state.
        private mutating func dropValues(now: Date) {
            while keepingValues.count > retention.valuesOfNewest, let oldest = keepingValues.first {
                if let ended = records[oldest]?.updatedAt, now.timeIntervalSince(ended) <= retention.valuesFor.seconds { break }
                records[oldest]?.finalValues = nil
                keepingValues.removeFirst()
            }
        }

        private mutating func insertPending(_ run: RunRecord) {
            let index = pending.firstIndex { (records[$0]?.createdAt ?? .distantPast) > run.createdAt } ?? pending.endIndex
            pending.insert(run.id, at: index)
        }
    }
}
