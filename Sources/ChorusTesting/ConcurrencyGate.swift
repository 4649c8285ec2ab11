import ChorusGraph
import ChorusSupport

/// Counts tasks inside a region and holds them until `width` are inside
/// together (or every expected task has arrived), so a test can see the
/// true peak of concurrency without timing.
public final class ConcurrencyGate: Sendable {
    private struct State {
        var inside = 0
        var peak = 0
        var arrived = 0
        var waiting: [CheckedContinuation<Void, Never>] = []
    }
    private let state = Locked(State())
    public let width: Int
    public let total: Int

    public init(width: Int, total: Int) {
        self.width = width
        self.total = total
    }

    public func pass() async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let release: [CheckedContinuation<Void, Never>] = state.withLock { s in
                s.inside += 1
                s.arrived += 1
                s.peak = max(s.peak, s.inside)
                s.waiting.append(c)
                if s.inside >= width || s.arrived == total {
                    defer { s.waiting = [] }
                    return s.waiting
                }
                return []
            }
            for w in release { w.resume() }
        }
        state.withLock { $0.inside -= 1 }
    }

    public var peak: Int { state.withLock { $0.peak } }
    public var arrived: Int { state.withLock { $0.arrived } }
}

