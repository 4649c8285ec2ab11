import ChorusSupport
import Testing
@testable import ChorusGraph

/// `START → each of names → END`; `body` runs for every node.
func fanGraph(_ names: [String], checkpointer: (any Checkpointer)? = InMemoryCheckpointer(),
              body: @escaping @Sendable (String) async throws -> Void) throws -> CompiledGraph {
    var g = StateGraph(StateSchema([("log", .reducer(.append))]))
    for name in names {
        g.addNode(name) { _, _ in
            try await body(name)
            return .update(["log": [.string(name)]])
        }
        g.addEdge(START, name)
        g.addEdge(name, END)
    }
    return try g.compile(checkpointer: checkpointer)
}

/// Errors of the snapshot's tasks by task name; `"done"` for a finished task.
func taskErrors(_ state: StateSnapshot) -> [String: String] {
    var out: [String: String] = [:]
    for task in state.tasks { out[task.name] = task.error ?? (task.result != nil ? "done" : "none") }
    return out
}

@Suite(.timeLimit(.minutes(1))) struct CancelledSiblingTests {
    @Test func aFailureRecordsTheRunningSiblingAsCancelledAndKeepsTheFinishedOne() async throws {
        let release = Signal(), cancelled = Signal()
        let graph = try fanGraph(["bad", "fast", "slow"]) { name in
            switch name {
            case "bad":
                await release.wait()
                throw GraphError(.valueError, "boom")
            case "slow":
                do { try await Task.sleep(for: .seconds(3600)) } catch {
                    cancelled.fire()
                    throw error
                }
            default: break
            }
        }
        await #expect(throws: GraphError(.valueError, "boom")) {
            for try await part in graph.stream(.state([:]), modes: [.updates]) {
                // `fast` is recorded once its update is out; only then does `bad` fail.
                if case .updates(let u) = part.payload, u["fast"] != nil { release.fire() }
            }
        }
        await cancelled.wait()
        let state = try await graph.getState()
        #expect(taskErrors(state) == ["fast": "done", "bad": "ValueError('boom')", "slow": "CancelledError()"])
        #expect(state.next.sorted() == ["bad", "slow"])
        #expect(state.values["log"] == ["fast"])
    }

    @Test func tasksWaitingForASlotAreRecordedAsCancelled() async throws {
        let ran = Locked<[String]>([])
        let graph = try fanGraph(["a", "b", "c", "d"]) { name in
            ran.withLock { $0.append(name) }
            if name == "b" { throw GraphError(.runtime, "b failed") }
        }
        await #expect(throws: GraphError(.runtime, "b failed")) {
            try await graph.invoke([:], config: RunConfig(maxConcurrency: 1))
        }
        #expect(ran.withLock { $0 } == ["a", "b"])
        let state = try await graph.getState()
        #expect(taskErrors(state) == ["a": "done", "b": "RuntimeError('b failed')", "c": "CancelledError()", "d": "CancelledError()"])
        // The retry reruns every task that did not finish, and only those.
        ran.withLock { $0 = [] }
        await #expect(throws: GraphError.self) { try await graph.invoke(.continue, config: RunConfig(maxConcurrency: 1)) }
        #expect(ran.withLock { $0 } == ["b"])
    }

    @Test func aLoneFailingTaskIsRecordedWithItsOwnError() async throws {
        let graph = try fanGraph(["only"]) { _ in throw GraphError(.valueError, "alone") }
        await #expect(throws: GraphError.self) { try await graph.invoke([:]) }
        #expect(taskErrors(try await graph.getState()) == ["only": "ValueError('alone')"])
    }
}

@Suite struct ClearPendingStepTests {
    @Test func updateStateWithNoValuesAsEndClearsThePendingStep() async throws {
        let ran = Locked<[String]>([])
        var g = StateGraph(StateSchema([("log", .reducer(.append))]))
        for name in ["a", "b"] {
            g.addNode(name) { _, _ in
                ran.withLock { $0.append(name) }
                return .update(["log": [.string(name)]])
            }
        }
        g.addEdge(START, "a")
        g.addEdge("a", "b")
        let graph = try g.compile(checkpointer: InMemoryCheckpointer(), interruptBefore: ["b"])
        _ = try await graph.invoke([:])
        #expect(try await graph.getState().next == ["b"])

        await #expect(throws: GraphError(.invalidUpdate, "Node __end__ does not exist")) {
            try await graph.updateState(values: ["log": ["x"]], asNode: END)
        }
        try await graph.updateState(values: nil, asNode: END)
        let cleared = try await graph.getState()
        #expect(cleared.next == [])
        #expect(cleared.metadata == CheckpointMetadata(source: .update, step: 2))
        #expect(cleared.values["log"] == ["a"])

        let result = try await graph.invoke(.continue)
        #expect(result.values["log"] == ["a"])
        #expect(ran.withLock { $0 } == ["a"])
        #expect(try await graph.getState().metadata?.step == 2)
    }

    @Test func clearingAfterAFailureKeepsWhatFinished() async throws {
        let graph = try fanGraph(["a", "b", "c"]) { name in
            if name == "b" { throw GraphError(.valueError, "no") }
        }
        await #expect(throws: GraphError.self) { try await graph.invoke(["log": ["in"]], config: RunConfig(maxConcurrency: 1)) }
        try await graph.updateState(values: nil, asNode: END)
        let state = try await graph.getState()
        #expect(state.values["log"] == ["in", "a"])
        #expect(state.next == [])
        #expect(state.tasks.isEmpty)
    }

    @Test func clearingAFreshThreadWritesAnEmptyStep() async throws {
        let graph = try fanGraph(["a"]) { _ in }
        try await graph.updateState(config: RunConfig(threadId: "fresh"), values: nil, asNode: END)
        let state = try await graph.getState(config: RunConfig(threadId: "fresh"))
        #expect(state.metadata == CheckpointMetadata(source: .update, step: 0))
        #expect(state.values["log"] == [])
        #expect(state.next == [])
    }
}

@Suite struct RecursionLimitBelowOneTests {
    @Test(arguments: [0, -1])
    func aLimitBelowOneIsRefusedBeforeAnythingRuns(limit: Int) async throws {
        let ran = Locked(0)
        let graph = try fanGraph(["a"]) { _ in ran.withLock { $0 += 1 } }
        let refused = GraphError(.valueError, "recursion_limit must be at least 1")
        await #expect(throws: refused) { try await graph.invoke([:], config: RunConfig(recursionLimit: limit)) }
        var parts = 0
        await #expect(throws: refused) {
            for try await _ in graph.stream(.state([:]), modes: [.values, .debug], config: RunConfig(recursionLimit: limit)) { parts += 1 }
        }
        #expect(parts == 0)
        #expect(ran.withLock { $0 } == 0)
        #expect(try await graph.getState().metadata == nil)
        _ = try await graph.invoke([:], config: RunConfig(recursionLimit: 2))
        #expect(ran.withLock { $0 } == 1)
    }
}

@Suite struct NodeReturnValueTests {
    func returning(_ value: Value) throws -> CompiledGraph {
        var g = StateGraph(StateSchema([("k", .lastValue)]))
        g.addNode("a") { _, _ in .value(value) }
        g.addEdge(START, "a")
        return try g.compile()
    }

    static func invalid(_ shown: String) -> GraphError {
        GraphError(.invalidUpdate, "Expected dict, got \(shown)\nFor troubleshooting, visit: https://docs.langchain.com/oss/python/langgraph/errors/INVALID_GRAPH_NODE_RETURN_VALUE")
    }

    @Test(arguments: [
        ("hello", "hello"), ([1, "a", nil, true, 2.5], "[1, 'a', None, True, 2.5]"), (7, "7"), (false, "False"),
        ("it's \"q\"", "it's \"q\""), (["it's"], "[\"it's\"]"),
    ] as [(Value, String)])
    func aValueThatIsNotAnUpdateFailsWithItsStrForm(value: Value, shown: String) async throws {
        await #expect(throws: Self.invalid(shown)) { try await returning(value).invoke([:]) }
    }

    @Test func anObjectIsAnUpdateAndNullIsNone() async throws {
        #expect(try await returning(["k": 1]).invoke([:]).values["k"] == 1)
        #expect(try await returning(nil).invoke(["k": 2]).values["k"] == 2)
    }

    @Test func anInputThatIsNotAnObjectFailsAlike() async throws {
        await #expect(throws: Self.invalid("hi")) { try await returning(nil).invoke(.state("hi")) }
    }

    @Test func theFailedTaskStoresTheErrorsRepr() async throws {
        var g = StateGraph(StateSchema([("k", .lastValue)]))
        g.addNode("a") { _, _ in .value([1, "b"]) }
        g.addEdge(START, "a")
        let graph = try g.compile(checkpointer: InMemoryCheckpointer())
        await #expect(throws: GraphError.self) { try await graph.invoke([:]) }
        let error = try await graph.getState().tasks.first?.error
        #expect(error == "InvalidUpdateError(\"Expected dict, got [1, 'b']\\nFor troubleshooting, visit: https://docs.langchain.com/oss/python/langgraph/errors/INVALID_GRAPH_NODE_RETURN_VALUE\")")
    }
}

/// A deliberate difference from LangGraph, which ignores these routes with a
/// log warning (so a misspelled name silently ends the run): Chorus fails the
/// run, naming the node.
@Suite struct UnknownRouteTargetTests {
    enum Way: String, CaseIterable { case commandGoto, send, conditionalEdge }

    @Test(arguments: Way.allCases)
    func aRouteToAMissingNodeFailsNamingIt(way: Way) async throws {
        var g = StateGraph(StateSchema([("log", .reducer(.append))]))
        g.addNode("a") { _, _ in
            way == .commandGoto ? .command(Command(update: ["log": ["a"]], goto: [.node("ghost")])) : .update(["log": ["a"]])
        }
        g.addNode("b") { _, _ in .update(["log": ["b"]]) }
        g.addEdge(START, "a")
        switch way {
        case .commandGoto: break
        case .send: g.addConditionalEdges("a") { _ in [.send(Send("ghost", [:]))] }
        case .conditionalEdge: g.addConditionalEdges("a") { _ in [.node("ghost")] }
        }
        let expected = way == .send
            ? GraphError(.invalidUpdate, "Invalid Send target 'ghost': not found in the graph")
            : GraphError(.invalidUpdate, "Invalid node name 'ghost': not found in the graph")
        await #expect(throws: expected) { try await g.compile().invoke([:]) }
    }
}

@Suite struct PythonTextTests {
    @Test func strAndReprFollowPython() {
        #expect(PythonText.str("a'b") == "a'b")
        #expect(PythonText.repr("a'b") == "\"a'b\"")
        #expect(PythonText.repr("a'b\"c\n") == "'a\\'b\"c\\n'")
        #expect(PythonText.str([1.0, nil, ["k": "v"]]) == "[1.0, None, {'k': 'v'}]")
    }
}
