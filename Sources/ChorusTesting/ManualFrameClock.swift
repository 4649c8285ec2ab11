import ChorusGraph
import ChorusSupport
import ChorusTUI
import Foundation

/// A `FrameClock` that moves only when a test says so: `advance(by:)` wakes
/// every sleeper whose deadline has come, in deadline order.
public final class ManualFrameClock: FrameClock {
    private struct Sleeper {
        let id: UUID
        let deadline: ContinuousClock.Instant
        let continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var offset: Duration = .zero
        var sleepers: [Sleeper] = []
        /// Sleeps cancelled before they were registered (the cancellation handler can run first).
        var cancelled: Set<UUID> = []
    }

    private let start = ContinuousClock.now
    private let startDate = Date(timeIntervalSince1970: 1_800_000_000)
    private let state = Locked(State())

    public init() {}

    public var now: ContinuousClock.Instant { start + state.withLock { $0.offset } }

    public var date: Date {
        let offset = state.withLock { $0.offset }
        return startDate.addingTimeInterval(offset.seconds)
    }

    /// How many tasks sleep on this clock now.
    public var sleeperCount: Int { state.withLock { $0.sleepers.count } }

    public func sleep(until deadline: ContinuousClock.Instant) async throws {
        let id = UUID()
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                enum Outcome { case due, cancelled, sleeping }
                let outcome = state.withLock { s -> Outcome in
                    if s.cancelled.remove(id) != nil { return .cancelled }
                    if start + s.offset >= deadline { return .due }
                    s.sleepers.append(Sleeper(id: id, deadline: deadline, continuation: continuation))
                    return .sleeping
                }
                switch outcome {
                case .due: continuation.resume()
                case .cancelled: continuation.resume(throwing: CancellationError())
                case .sleeping: break
                }
            }
        } onCancel: {
            let sleeper = state.withLock { s -> Sleeper? in
                guard let index = s.sleepers.firstIndex(where: { $0.id == id }) else {
                    s.cancelled.insert(id)
                    return nil
                }
                return s.sleepers.remove(at: index)
            }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Moves time forward and wakes the sleepers it reaches.
    public func advance(by duration: Duration) {
        let woken = state.withLock { s -> [Sleeper] in
            s.offset += duration
            let now = start + s.offset
            let due = s.sleepers.filter { $0.deadline <= now }.sorted { $0.deadline < $1.deadline }
            s.sleepers.removeAll { $0.deadline <= now }
            return due
        }
        for sleeper in woken { sleeper.continuation.resume() }
    }
}
