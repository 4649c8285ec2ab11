import ChorusGraph
import Foundation

/// Every run the server knows, as the routes see them: `RunManager` when one
/// instance serves a SQLite database, `ClusterRunManager` when several share
/// PostgreSQL (runs queued there, run by whichever instance claims them).
protocol RunRegistry: Sendable {
    /// Begins work once the server is built: goes on with the runs a previous
    /// process left unfinished (one instance), or joins the other instances (a cluster).
    func start() async throws
    /// Queues a run on its thread (applying its multitask strategy) and, with
    /// `follow`, returns its event stream from the very first event.
    func submit(_ run: ServedRun, follow: Bool) async throws -> (key: Int, frames: FrameQueue)?
    /// The run with this id, wherever it runs.
    func run(_ id: String) async throws -> ServedRun?
    /// The thread's known runs, oldest first.
    func runs(onThread thread: String) async throws -> [ServedRun]
    /// The thread's runs, newest first.
    func runs(onThread thread: String, limit: Int, offset: Int, status: RunStatus?) async throws -> [ServedRun]
    /// False once shutdown has begun: open streams that wait for runs should end.
    var isAccepting: Bool { get async }
    /// Those waiting for a thread's next run: woken on each submit, closed at shutdown.
    var threadWatchers: ThreadWatchers { get }
    /// `busy` while a run is active or queued, else how its last run ended; nil when unknown.
    func activity(of thread: String) async throws -> ThreadActivity?
    /// Stops a run: a queued one at once, an active one at its next await.
    func cancel(_ run: ServedRun, rollback: Bool) async throws
    /// Cancels the thread's runs and forgets them (the thread is being deleted).
    func forget(thread: String) async throws
    /// Keeps every follower's connection alive.
    func heartbeat() async
    /// Refuses new runs, lets running ones finish for up to `grace`, then stops the rest.
    func shutdown(grace: Duration) async
}

extension RunRegistry {
    /// The thread's runs not in `seen`, oldest first; when there are none, waits
    /// (without polling) until one is submitted, the server shuts down or `timeout` passes.
    func runs(onThread thread: String, notIn seen: Set<String>, waitingAtMost timeout: Duration) async throws -> [ServedRun] {
        let fresh = try await runs(onThread: thread).filter { !seen.contains($0.id) }
        guard fresh.isEmpty else { return fresh }
        await threadWatchers.wait(on: thread, atMost: timeout)
        return try await runs(onThread: thread).filter { !seen.contains($0.id) }
    }
}

/// A thread's status as far as runs decide it.
struct ThreadActivity: Sendable {
    var status: String
    var error: (type: String, message: String)?
}

extension RunManager: RunRegistry {}
