import ChorusSupport
import Foundation

/// Those waiting for a thread's next run (`GET /threads/{id}/stream`), woken
/// when a run is submitted on it: no polling. Held by a run registry, which
/// wakes a thread's waiters on a submit and closes them all when it shuts down.
final class ThreadWatchers: Sendable {
    private struct State {
        var waiting: [String: [UUID: CheckedContinuation<Void, Never>]] = [:]
        var closed = false
    }

    private let state = Locked(State())

    /// Returns when a run is submitted on `thread`, the watchers are closed,
    /// `timeout` has passed or the waiting task is cancelled, whichever comes first.
    func wait(on thread: String, atMost timeout: Duration) async {
        let id = UUID()
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let waiting = state.withLock { s -> Bool in
                    guard !s.closed else { return false }
                    s.waiting[thread, default: [:]][id] = continuation
                    return true
                }
                guard waiting else { return continuation.resume() }
                Task {
                    try? await Task.sleep(for: timeout)
                    self.end(id, on: thread)
                }
            }
        } onCancel: {
            end(id, on: thread)
        }
    }

    /// Resumes everyone waiting on `thread`.
    func wake(thread: String) {
        let woken = state.withLock { $0.waiting.removeValue(forKey: thread) } ?? [:]
        for continuation in woken.values { continuation.resume() }
    }

    /// Resumes everyone, and every later wait at once (the server shuts down).
    func close() {
        let woken = state.withLock { s in
            s.closed = true
            defer { s.waiting = [:] }
            return s.waiting.values.flatMap(\.values)
        }
        for continuation in woken { continuation.resume() }
    }

    /// Resumes everyone (notices were missed: each looks again).
    func wakeAll() {
        let woken = state.withLock { s in
            defer { s.waiting = [:] }
            return s.waiting.values.flatMap(\.values)
        }
        for continuation in woken { continuation.resume() }
    }

    /// Ends one wait if it still waits (its time ran out, or its task was cancelled).
    private func end(_ id: UUID, on thread: String) {
        let continuation = state.withLock { s -> CheckedContinuation<Void, Never>? in
            defer { if s.waiting[thread]?.isEmpty == true { s.waiting[thread] = nil } }
            return s.waiting[thread]?.removeValue(forKey: id)
        }
        continuation?.resume()
    }
}
