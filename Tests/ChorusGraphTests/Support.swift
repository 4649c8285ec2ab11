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
