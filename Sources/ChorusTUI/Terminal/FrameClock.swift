import Foundation

/// The time an app's runtime runs on: when a frame is due, the once-a-second
/// ticks, and the `now` its screen shows. `SystemFrameClock` is the real one;
/// tests drive a manual one, so the runtime is tested without wall-clock sleeps.
public protocol FrameClock: Sendable {
    var now: ContinuousClock.Instant { get }
    /// The wall-clock date at `now`.
    var date: Date { get }
    /// Returns at `deadline`, or throws when the task is cancelled.
    func sleep(until deadline: ContinuousClock.Instant) async throws
}

/// The system's clocks.
public struct SystemFrameClock: FrameClock {
    public init() {}
    public var now: ContinuousClock.Instant { .now }
    public var date: Date { Date() }
    public func sleep(until deadline: ContinuousClock.Instant) async throws { try await Task.sleep(until: deadline) }
}
