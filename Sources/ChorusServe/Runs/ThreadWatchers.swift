import Foundation

/// Those waiting for a thread's next run (`GET /threads/{id}/stream`), woken
/// when a run is submitted on it: no polling. Held by a run registry (an actor).
struct ThreadWatchers {
    private var waiting: [String: [UUID: CheckedContinuation<Void, Never>]] = [:]
    /// Watches ended before their waiter was registered: it is resumed as it arrives.
    private var ended: Set<UUID> = []

    /// Registers a waiter; it is resumed by `wake(thread:)`, `wakeAll()` or `remove`.
    mutating func add(_ continuation: CheckedContinuation<Void, Never>, id: UUID, thread: String) {
        if ended.remove(id) != nil { return continuation.resume() }
        waiting[thread, default: [:]][id] = continuation
    }

    /// Ends one watch (its time ran out, or it was woken): resumes its waiter if it still waits.
    mutating func remove(id: UUID, thread: String) {
        if let continuation = waiting[thread]?.removeValue(forKey: id) {
            continuation.resume()
        } else if !wasWoken(id) {
            ended.insert(id)
        }
        if waiting[thread]?.isEmpty == true { waiting[thread] = nil }
    }

    /// Ids whose waiters a wake resumed; forgotten when their watch ends.
    private var woken: Set<UUID> = []

    private mutating func wasWoken(_ id: UUID) -> Bool { woken.remove(id) != nil }

    /// Resumes everyone waiting on `thread`.
    mutating func wake(thread: String) {
        for (id, continuation) in waiting.removeValue(forKey: thread) ?? [:] {
            woken.insert(id)
            continuation.resume()
        }
    }

    /// Resumes everyone (notices were missed, or the server shuts down).
    mutating func wakeAll() {
        for thread in Array(waiting.keys) { wake(thread: thread) }
    }

    /// Waits for `watch` to return (a wake) or `timeout`, whichever comes first; `unwatch` then ends a watch still waiting.
    static func wait(timeout: Duration, watch: @escaping @Sendable () async -> Void, unwatch: @escaping @Sendable () async -> Void) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await watch() }
            group.addTask { try? await Task.sleep(for: timeout) }
            await group.next()
            group.cancelAll()
            await unwatch()
        }
    }
}
