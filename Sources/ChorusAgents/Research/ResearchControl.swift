import ChorusGraph
import ChorusSupport

/// Lets a UI cancel one research branch while the others go on: the branch
/// ends as a failed finding ("cancelled") and the synthesis says so.
public final class ResearchControl: Sendable {
    private let state = Locked<(running: [Int: Task<String, any Error>], cancelled: Set<Int>)>(([:], []))

    public init() {}

    /// Stops branch `index` (1-based) now, or as soon as it starts.
    public func cancel(branch index: Int) {
        let task = state.withLock { s -> Task<String, any Error>? in
            s.cancelled.insert(index)
            return s.running[index]
        }
        task?.cancel()
    }

    /// Runs a branch's model call so that `cancel(branch:)` can stop it alone.
    func run(branch index: Int, _ work: @escaping @Sendable () async throws -> String) async throws -> String {
        let task = Task { try await work() }
        let stopNow = state.withLock { s -> Bool in
            s.running[index] = task
            return s.cancelled.contains(index)
        }
        if stopNow { task.cancel() }
        defer { _ = state.withLock { $0.running.removeValue(forKey: index) } }
        do {
            return try await withTaskCancellationHandler { try await task.value } onCancel: { task.cancel() }
        } catch is CancellationError where !Task.isCancelled {
            throw BranchCancelled()
        }
    }
}

/// A branch the user cancelled (the run itself goes on).
public struct BranchCancelled: Error, CustomStringConvertible {
    public var description: String { "cancelled by the user" }
}
