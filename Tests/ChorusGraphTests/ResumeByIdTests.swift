import ChorusGraph
import Testing

/// `Command(resume: {interruptId: value, …})` answers several pending
/// interrupts at once, each with its own value, as LangGraph's resume map does.
@Suite struct ResumeByIdTests {
    /// `a` and `b` run in parallel and each asks a question; `ask` asks twice.
    static func graph() throws -> CompiledGraph {
        var g = StateGraph(StateSchema([("answers", .reducer(.append))]))
        for name in ["a", "b"] {
            g.addNode(name) { _, context in .update(["answers": [.string("\(name)=\(try context.interrupt(.string("\(name)?")).stringValue ?? "")")]]) }
            g.addEdge(START, name)
        }
        return try g.compile(checkpointer: InMemoryCheckpointer())
    }

    static func answers(_ result: RunResult) -> [String] {
        (result.values["answers"]?.arrayValue ?? []).compactMap(\.stringValue).sorted()
    }

    @Test func eachParallelInterruptGetsItsOwnValue() async throws {
        let graph = try Self.graph()
        let paused = try await graph.invoke([:])
        let ids = Dictionary(uniqueKeysWithValues: paused.interrupts.map { ($0.value.stringValue!, $0.id) })
        #expect(ids.count == 2)
        await #expect(throws: GraphError.self) { try await graph.invoke(.resume("both")) }  // plain resume: ambiguous
        let done = try await graph.invoke(.resume(.object([ids["a?"]!: "1", ids["b?"]!: "2"])))
        #expect(done.interrupts.isEmpty)
        #expect(Self.answers(done) == ["a=1", "b=2"])
    }

    @Test func aPartialMapAnswersOnlyWhatItNames() async throws {
        let graph = try Self.graph()
        let paused = try await graph.invoke([:])
        let a = try #require(paused.interrupts.first { $0.value == "a?" })
        let b = try #require(paused.interrupts.first { $0.value == "b?" })
        let half = try await graph.invoke(.resume(.object([a.id: "1"])))
        #expect(half.interrupts.map(\.id) == [b.id])
        #expect(Self.answers(half) == ["a=1"])
        let state = try await graph.getState()
        #expect(state.next == ["b"])
        let done = try await graph.invoke(.resume(.object([b.id: "2"])))
        #expect(Self.answers(done) == ["a=1", "b=2"])
        // `a` is answered: naming it again is an error that says which ids are not pending.
        await #expect(throws: GraphError.self) { try await graph.invoke(.resume(.object([a.id: "again"]))) }
    }

    @Test func callsOfOneTaskHaveTheirOwnIds() async throws {
        var g = StateGraph(StateSchema([("pair", .lastValue)]))
        g.addNode("ask") { _, context in
            let first = try context.interrupt("first?")
            let second = try context.interrupt("second?")
            return .update(["pair": [first, second]])
        }
        g.addEdge(START, "ask")
        let graph = try g.compile(checkpointer: InMemoryCheckpointer())
        let one = try #require(try await graph.invoke([:]).interrupts.first)
        let two = try #require(try await graph.invoke(.resume(.object([one.id: "x"]))).interrupts.first)
        #expect(two.value == "second?")
        #expect(two.id != one.id)
        #expect(two.id.hasPrefix(one.id + ":"))
        // The first call's id is answered; only the second is pending.
        await #expect(throws: GraphError.self) { try await graph.invoke(.resume(.object([one.id: "stale"]))) }
        let done = try await graph.invoke(.resume(.object([two.id: "y"])))
        #expect(done.values["pair"] == ["x", "y"])
    }

    @Test func anObjectThatIsNotAMapIsAnOrdinaryResumeValue() async throws {
        var g = StateGraph(StateSchema([("got", .lastValue)]))
        g.addNode("ask") { _, context in .update(["got": try context.interrupt("ok?")]) }
        g.addEdge(START, "ask")
        let graph = try g.compile(checkpointer: InMemoryCheckpointer())
        _ = try await graph.invoke([:])
        let done = try await graph.invoke(.resume(["approved": true]))
        #expect(done.values["got"] == ["approved": true])
    }

    @Test func anInterruptInsideASubgraphIsAnsweredById() async throws {
        var inner = StateGraph(StateSchema([("answers", .reducer(.append))]))
        inner.addNode("ask") { _, context in .update(["answers": [try context.interrupt("inner?")]]) }
        inner.addEdge(START, "ask")
        var outer = StateGraph(StateSchema([("answers", .reducer(.append))]))
        outer.addNode("sub", subgraph: try inner.compile())
        outer.addNode("b") { _, context in .update(["answers": [try context.interrupt("outer?")]]) }
        outer.addEdge(START, "sub")
        outer.addEdge(START, "b")
        let graph = try outer.compile(checkpointer: InMemoryCheckpointer())
        let paused = try await graph.invoke([:])
        let inside = try #require(paused.interrupts.first { $0.value == "inner?" })
        let outside = try #require(paused.interrupts.first { $0.value == "outer?" })
        let done = try await graph.invoke(.resume(.object([inside.id: "in", outside.id: "out"])))
        #expect(done.interrupts.isEmpty)
        #expect((done.values["answers"]?.arrayValue ?? []).compactMap(\.stringValue).sorted() == ["in", "out"])
    }
}
