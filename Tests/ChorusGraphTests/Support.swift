@testable import ChorusGraph
@_exported import ChorusTesting

/// Counts tasks inside a region and holds them until `width` are inside
/// together (or every expected task has arrived), so a test can see the
/// true peak of concurrency without timing.
final class ConcurrencyGate: Sendable {
    private struct State {
        var inside = 0
        var peak = 0
        var arrived = 0
        var waiting: [CheckedContinuation<Void, Never>] = []
    }
    private let state = Locked(State())
    let width: Int
    let total: Int

    init(width: Int, total: Int) {
        self.width = width
        self.total = total
    }

    func pass() async {
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

    var peak: Int { state.withLock { $0.peak } }
    var arrived: Int { state.withLock { $0.arrived } }
}

/// `START → plan → Send(work, i) × n → END` with `out` appended by each worker.
func fanOutGraph(_ n: Int, checkpointer: (any Checkpointer)? = nil, work: @escaping @Sendable (Int) async throws -> Void = { _ in }) throws -> CompiledGraph {
    var g = StateGraph(StateSchema([("out", .reducer(.append))]))
    g.addNode("plan") { _, _ in .update([:]) }
    g.addNode("work") { input, _ in
        let i = input["i"]!.intValue!
        try await work(i)
        return .update(["out": [.int(i)]])
    }
    g.addEdge(START, "plan")
    g.addConditionalEdges("plan") { _ in (0..<n).map { .send(Send("work", ["i": .int($0)])) } }
    g.addEdge("work", END)
    return try g.compile(checkpointer: checkpointer)
}
