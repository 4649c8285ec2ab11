@testable import ChorusGraph
@_exported import ChorusTesting

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

/// A node body's wait: fires `started`, then sleeps until cancelled and fires `cancelled`.
func sleepUntilCancelled(started: Signal, cancelled: Signal) async throws {
    started.fire()
    do {
        try await Task.sleep(for: .seconds(3600))
    } catch {
        cancelled.fire()
        throw error
    }
}

/// A node that waits until cancelled and reports it.
func sleeperGraph(started: Signal, cancelled: Signal) throws -> CompiledGraph {
    var g = StateGraph(StateSchema([("x", .lastValue)]))
    g.addNode("first") { _, _ in .update(["x": 1]) }
    g.addNode("sleeper") { _, _ in
        try await sleepUntilCancelled(started: started, cancelled: cancelled)
        return .none
    }
    g.addEdge(START, "first")
    g.addEdge("first", "sleeper")
    return try g.compile()
}
