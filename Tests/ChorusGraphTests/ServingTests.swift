import ChorusSupport
import Testing
@testable import ChorusGraph

/// What a server uses beyond `stream`: delivery on the producing task,
/// per-run breakpoints and the graph's shape.
@Suite struct ServingTests {
    func chain() throws -> CompiledGraph {
        var g = StateGraph(StateSchema([("log", .reducer(.append))]))
        g.addNode("a") { _, context in
            context.write(custom: "from a")
            return .update(["log": ["a"]])
        }
        g.addNode("b") { _, _ in .update(["log": ["b"]]) }
        g.addEdge(START, "a")
        g.addEdge("a", "b")
        return try g.compile(checkpointer: InMemoryCheckpointer())
    }

    @Test func runDeliversWhatStreamYieldsAndEventsAroundIt() async throws {
        let modes: Set<StreamMode> = [.values, .updates, .custom]
        var streamed: [StreamMode] = []
        for try await part in try chain().stream(.state(["log": []]), modes: modes, config: RunConfig(threadId: "s")) { streamed.append(part.mode) }
        let delivered = Locked<[RunOutput]>([])
        let result = try await chain().run(.state(["log": []]), modes: modes, events: true, config: RunConfig(threadId: "r")) { output in
            delivered.withLock { $0.append(output) }
        }
        let outputs = delivered.withLock { $0 }
        let parts = outputs.compactMap { if case .part(let p) = $0 { p.mode } else { nil } }
        #expect(parts == streamed)
        let events = outputs.compactMap { if case .event(let e) = $0 { e.kind } else { nil } }
        #expect(events.first == .runStart)
        #expect(events.last == .runEnd(output: ["log": ["a", "b"]]))
        #expect(events.contains(.custom("from a")))
        #expect(result.values == ["log": ["a", "b"]])
    }

    @Test func pausingAddsBreakpointsForOneRunOnly() async throws {
        let graph = try chain()
        let paused = try graph.pausing(before: ["b"], after: [])
        _ = try await paused.invoke(["log": []], config: RunConfig(threadId: "p"))
        #expect(try await graph.getState(config: RunConfig(threadId: "p")).next == ["b"])
        _ = try await graph.invoke(["log": []], config: RunConfig(threadId: "q"))
        #expect(try await graph.getState(config: RunConfig(threadId: "q")).next == [])
        #expect(throws: GraphError.self) { try graph.pausing(before: ["nope"], after: []) }
        let everywhere = try graph.pausing(before: ["*"], after: [])
        _ = try await everywhere.invoke(["log": []], config: RunConfig(threadId: "e"))
        #expect(try await graph.getState(config: RunConfig(threadId: "e")).next == ["a"])
    }

    @Test func theShapeListsNodesAndStaticEdges() throws {
        let graph = try chain()
        #expect(graph.nodeNames == ["a", "b"])
        #expect(graph.staticEdges.map { "\($0.source)->\($0.target)" }.sorted() == ["__start__->a", "a->b"])
    }
}
