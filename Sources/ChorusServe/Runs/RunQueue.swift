import ChorusGraph
import ChorusStore
import Foundation

/// Where a server's runs wait, and who runs each: the one coordinator that
/// every instance serving the queue shares. `InMemoryRunQueue` serves one
/// process (journaled to SQLite, or shared by instances in one process);
/// `ClusterRunQueue` serves every instance on one PostgreSQL database.
/// `RunManager` drives either the same way.
///
/// A thread runs one run at a time: a run is claimed only when it is the
/// oldest pending on its thread and none runs there. A claim holds a run
/// under a lease its instance renews; a lease that runs out hands the run
/// to any instance (`requeueExpired`), which goes on with it.
protocol RunQueue: Sendable {
    /// This instance's name, the owner of the runs it claims.
    var instance: String { get }
    /// Other instances serve this queue too: a run stopped here without its
    /// end recorded goes on elsewhere, and every run's events are kept in it.
    var isShared: Bool { get }
    /// Reads what an earlier process left (before the first claim).
    func open() async throws
    /// Queues a run, unless its thread is busy and `rejectIfBusy` (throws
    /// `ThreadBusy`). Returns the thread's runs that were pending or running,
    /// checked and queued at once, so two requests on one thread see each other.
    func submit(_ run: RunRecord, rejectIfBusy: Bool) async throws -> [RunRecord]
    /// Takes the next run a thread may start, for `lease` (with `runId`: only
    /// that run, and only when it is next on its thread); nil when there is none.
    func claim(lease: Duration, runId: String?) async throws -> RunRecord?
    /// Extends the lease of runs this instance holds; returns those it still
    /// holds, each with the cancel a client asked for.
    func renew(_ runIds: [String], lease: Duration) async throws -> [String: CancelAction?]
    /// Puts runs whose lease ran out back in the queue; returns how many.
    func requeueExpired() async throws -> Int
    /// Forgets what finished runs no longer need, by the retention the queue was made with.
    func prune() async throws
    /// Hands runs this instance holds back to the queue (it stops without ending them).
    func release(_ runIds: [String]) async throws
    /// Ends every pending run `interrupted` (the only instance of a queue is
    /// shutting down); returns them.
    func interruptPending() async throws -> [RunRecord]
    /// Asks a run to stop: a pending one ends at once (returned, now
    /// `interrupted`); a running one is told through its owner (`.cancel`).
    func requestCancel(_ runId: String, action: CancelAction) async throws -> RunRecord?
    /// Records how a run this instance holds ended. `held` is false when it no
    /// longer held it (another instance took it over, whose record stands);
    /// `next` is true when a run waits on the same thread.
    func finish(_ runId: String, status: RunStatus, outcome: ThreadActivity, finalValues: Value?) async throws -> (held: Bool, next: Bool)
    /// Forgets a run and its events (rolled back: as if it never happened).
    func delete(_ runId: String) async throws
    /// Forgets a deleted thread's finished runs.
    func forgetRuns(onThread threadId: String) async throws
    func run(_ runId: String) async throws -> RunRecord?
    /// The thread's runs, newest first (`status`: only those).
    func runs(onThread threadId: String, limit: Int, offset: Int, status: RunStatus?) async throws -> [RunRecord]
    /// The thread's runs pending or running, oldest first.
    func activeRuns(onThread threadId: String) async throws -> [RunRecord]
    /// `busy` while the thread has a run pending or running, else how its newest recorded run left it.
    func threadActivity(_ threadId: String) async throws -> ThreadActivity?
    /// Keeps events of runs this instance runs, and tells the instances which runs have new ones.
    func append(_ events: [StoredRunEvent]) async throws
    /// A run's kept events after `seq`, in order.
    func events(of runId: String, after seq: Int) async throws -> [StoredRunEvent]
    /// Tells every instance (this one too).
    func notify(_ notice: RunNotice) async throws
    /// What the instances say about runs, from now on (`.resync` first).
    func notices() -> AsyncStream<RunNotice>
}
