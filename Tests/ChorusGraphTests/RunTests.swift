import ChorusSupport
import Testing
@testable import ChorusGraph

@Suite(.timeLimit(.minutes(1))) struct MaxConcurrencyTests {
    @Test(arguments: [1, 2, 3, 7])
    func peakInFlightIsExactlyTheLimit(k: Int) async throws {
        let n = 20
        let gate = ConcurrencyGate(width: k, total: n)
        let graph = try fanOutGraph(n) { _ in await gate.pass() }
        let result = try await graph.invoke([:], config: RunConfig(maxConcurrency: k))
        #expect(gate.peak == k)
        #expect(gate.arrived == n)
        // Writes apply in Send order whatever the finish order.
        #expect(result.values["out"] == .array((0..<n).map { .int($0) }))
    }

    @Test func unboundedRunsEverySendTogether() async throws {
        let gate = ConcurrencyGate(width: 12, total: 12)
        _ = try await fanOutGraph(12) { _ in await gate.pass() }.invoke([:])
        #expect(gate.peak == 12)
    }

    @Test func batchIsBoundedToo() async throws {
        let gate = ConcurrencyGate(width: 2, total: 5)
        var g = StateGraph(StateSchema([("n", .lastValue)]))
        g.addNode("a") { input, _ in
            await gate.pass()
            return .update(["n": .int(input["n"]!.intValue! * 10)])
        }
        g.addEdge(START, "a")
        let results = try await g.compile().batch((1...5).map { .state(["n": .int($0)]) }, maxConcurrency: 2)
        #expect(results.map { $0.values["n"] } == [10, 20, 30, 40, 50])
        #expect(gate.peak == 2)
    }

    @Test func concurrentMapInsideANodeHonoursTheRunLimit() async throws {
        let gate = ConcurrencyGate(width: 3, total: 9)
        var g = StateGraph(StateSchema([("squares", .lastValue)]))
        g.addNode("tools") { _, context in
            let squares = try await context.concurrentMap(Array(1...9)) { i in
                await gate.pass()
                return i * i
            }
            return .update(["squares": .array(squares.map { .int($0) })])
        }
        g.addEdge(START, "tools")
        let result = try await g.compile().invoke([:], config: RunConfig(maxConcurrency: 3))
        #expect(result.values["squares"] == [1, 4, 9, 16, 25, 36, 49, 64, 81])
        #expect(gate.peak == 3)
    }
}

@Suite(.timeLimit(.minutes(1))) struct CancellationTests {
    @Test func cancellingTheConsumerCancelsRunningNodes() async throws {
        let started = Signal(), cancelled = Signal()
        let graph = try sleeperGraph(started: started, cancelled: cancelled)
        let consumer = Task {
            for try await _ in graph.stream(.state(["x": 0]), modes: [.updates]) {}
        }
        await started.wait()
        consumer.cancel()
        await cancelled.wait()
        _ = await consumer.result
    }

    @Test func droppingTheStreamStopsTheRun() async throws {
        let started = Signal(), cancelled = Signal()
        let graph = try sleeperGraph(started: started, cancelled: cancelled)
        var seen = 0
        for try await _ in graph.stream(.state(["x": 0]), modes: [.updates]) {
            seen += 1
            break
        }
        #expect(seen == 1)
        await cancelled.wait()
    }

    /// A graph a node invokes itself (not added as a subgraph) is cancelled
    /// with its caller: its running node sees the cancellation, its next
    /// node never runs, and it saves nothing after the cancel (LangGraph #5682).
    @Test func aGraphInvokedInsideANodeIsCancelledWithItsCaller() async throws {
        let started = Signal(), cancelled = Signal()
        let ranAfter = Locked(false)
        let saves = CountingCheckpointer()
        var inner = StateGraph(StateSchema([("x", .lastValue)]))
        inner.addNode("wait") { _, _ in
            try await sleepUntilCancelled(started: started, cancelled: cancelled)
            return .update(["x": 1])
        }
        inner.addNode("after") { _, _ in
            ranAfter.withLock { $0 = true }
            return .update(["x": 2])
        }
        inner.addEdge(START, "wait")
        inner.addEdge("wait", "after")
        let innerGraph = try inner.compile(checkpointer: saves)
        var outer = StateGraph(StateSchema([("x", .lastValue)]))
        outer.addNode("call") { _, _ in
            let result = try await innerGraph.invoke(["x": 0], config: RunConfig(threadId: "inner"))
            return .update(["x": result.values["x"] ?? .null])
        }
        outer.addEdge(START, "call")
        let outerGraph = try outer.compile()

        let run = Task { try await outerGraph.invoke(["x": 0]) }
        await started.wait()
        let savedBeforeCancel = saves.count
        run.cancel()
        await #expect(throws: CancellationError.self) { try await run.value }
        await cancelled.wait()
        #expect(!ranAfter.withLock { $0 })
        // invoke returns only after everything it started has ended, so nothing can save later.
        #expect(saves.count == savedBeforeCancel)
    }
}

/// An in-memory checkpointer that counts what it is asked to save.
final class CountingCheckpointer: Checkpointer {
    private let inner = InMemoryCheckpointer()
    private let saved = Locked(0)
    var count: Int { saved.withLock { $0 } }

    func get(threadId: String, namespace: String, id: String?) async throws -> CheckpointTuple? {
        try await inner.get(threadId: threadId, namespace: namespace, id: id)
    }
    func list(threadId: String, namespace: String, before: String?, limit: Int?) async throws -> [CheckpointTuple] {
        try await inner.list(threadId: threadId, namespace: namespace, before: before, limit: limit)
    }
    func put(threadId: String, namespace: String, checkpoint: Checkpoint, metadata: CheckpointMetadata, parentId: String?) async throws {
        saved.withLock { $0 += 1 }
        try await inner.put(threadId: threadId, namespace: namespace, checkpoint: checkpoint, metadata: metadata, parentId: parentId)
    }
    func putWrites(threadId: String, namespace: String, checkpointId: String, taskId: String, writes: [PendingWrite]) async throws {
        saved.withLock { $0 += 1 }
        try await inner.putWrites(threadId: threadId, namespace: namespace, checkpointId: checkpointId, taskId: taskId, writes: writes)
    }
    func deleteThread(_ threadId: String) async throws { try await inner.deleteThread(threadId) }
}

@Suite struct InterruptAndStateTests {
    func approvalGraph(_ checkpointer: any Checkpointer) throws -> CompiledGraph {
        var g = StateGraph(StateSchema([("log", .reducer(.append)), ("answer", .lastValue)]))
        g.addNode("ask") { _, context in
            let answer = try context.interrupt("approve?")
            return .update(["answer": answer, "log": ["asked"]])
        }
        g.addNode("after") { input, _ in .update(["log": .array([.string("got \(input["answer"]!.stringValue!)")])]) }
        g.addEdge(START, "ask")
        g.addEdge("ask", "after")
        return try g.compile(checkpointer: checkpointer)
    }

    @Test func interruptPausesAndResumeReturnsTheValue() async throws {
        let graph = try approvalGraph(InMemoryCheckpointer())
        let paused = try await graph.invoke(["log": []])
        #expect(paused.interrupts.map(\.value) == ["approve?"])
        let state = try await graph.getState()
        #expect(state.next == ["ask"])
        #expect(state.tasks.first?.interrupts.map(\.value) == ["approve?"])
        let done = try await graph.invoke(.resume("yes"))
        #expect(done.interrupts.isEmpty)
        #expect(done.values["log"] == ["asked", "got yes"])
        #expect(try await graph.getState().next == [])
    }

    /// A step with `Send` tasks and an edge-triggered task that all interrupt:
    /// LangGraph schedules the `Send` tasks first, so the result and the
    /// state list their interrupts first (the edge node's name sorts before them).
    @Test func sendTasksInterruptsComeBeforeAnEdgeTasksOnes() async throws {
        var g = StateGraph(StateSchema([("log", .reducer(.append))]))
        g.addNode("a_edge") { _, context in .update(["log": [try context.interrupt("a_edge?")]]) }
        g.addNode("w") { input, context in .update(["log": [try context.interrupt(.string("w\(input["i"]!.intValue!)?"))]]) }
        g.addEdge(START, "a_edge")
        g.addConditionalEdges(START) { _ in [.send(Send("w", ["i": 1])), .send(Send("w", ["i": 2]))] }
        let graph = try g.compile(checkpointer: InMemoryCheckpointer())
        let paused = try await graph.invoke(["log": []])
        #expect(paused.interrupts.map(\.value) == ["w1?", "w2?", "a_edge?"])
        let state = try await graph.getState()
        #expect(state.tasks.flatMap(\.interrupts).map(\.value) == ["w1?", "w2?", "a_edge?"])
        #expect(state.next == ["w", "w", "a_edge"])
    }

    @Test func resumeWithoutACheckpointerIsAClearError() async throws {
        var g = StateGraph(StateSchema([("x", .lastValue)]))
        g.addNode("a") { _, _ in .none }
        g.addEdge(START, "a")
        await #expect(throws: GraphError(.runtime, "Cannot use Command(resume=...) without checkpointer")) {
            try await g.compile().invoke(.resume(1))
        }
    }

    @Test func historyIsNewestFirstAndForksRunFromAPastCheckpoint() async throws {
        var g = StateGraph(StateSchema([("n", .reducer(.add))]))
        g.addNode("a") { _, _ in .update(["n": 1]) }
        g.addNode("b") { _, _ in .update(["n": 10]) }
        g.addEdge(START, "a")
        g.addEdge("a", "b")
        let graph = try g.compile(checkpointer: InMemoryCheckpointer())
        _ = try await graph.invoke(["n": 100])
        let history = try await graph.getStateHistory()
        #expect(history.map { $0.metadata!.step } == [2, 1, 0, -1])
        #expect(history.map(\.values["n"]) == [111, 101, 100, 0])
        #expect(try await graph.getStateHistory(limit: 2).count == 2)
        // Time travel: replay from the checkpoint before `b` ran.
        let beforeB = history[1]
        #expect(beforeB.next == ["b"])
        let replay = try await graph.invoke(.continue, config: RunConfig(checkpointId: beforeB.checkpointId))
        #expect(replay.values["n"] == 111)
        #expect(try await graph.getStateHistory().count > history.count)
    }

    @Test func updateStateAppliesReducersAsTheNamedNode() async throws {
        let graph = try approvalGraph(InMemoryCheckpointer())
        _ = try await graph.invoke(["log": ["start"]])
        try await graph.updateState(values: ["answer": "by hand", "log": ["edited"]], asNode: "ask")
        let state = try await graph.getState()
        #expect(state.metadata?.source == .update)
        #expect(state.next == ["after"])
        #expect(state.values["log"] == ["start", "edited"])
        let done = try await graph.invoke(.continue)
        #expect(done.values["log"] == ["start", "edited", "got by hand"])
        await #expect(throws: GraphError.self) { try await graph.updateState(values: [:], asNode: "missing") }
    }
}

@Suite struct GraphValidationTests {
    @Test func unknownNodesAndMissingEntryAreRejected() throws {
        var g = StateGraph(StateSchema([("x", .lastValue)]))
        g.addNode("a") { _, _ in .none }
        #expect(throws: GraphError.self) { try g.compile() }
        g.addEdge(START, "a")
        g.addEdge("a", "ghost")
        #expect(throws: GraphError(.valueError, "Found edge ending at unknown node `ghost`")) { try g.compile() }
    }

    @Test func reservedAndDuplicateNamesAreRejected() throws {
        var g = StateGraph(StateSchema([("x", .lastValue)]))
        g.addNode("a") { _, _ in .none }
        g.addNode("a") { _, _ in .none }
        g.addEdge(START, "a")
        #expect(throws: GraphError.self) { try g.compile() }
        var h = StateGraph(StateSchema([("x", .lastValue)]))
        h.addNode("bad:name") { _, _ in .none }
        h.addEdge(START, "bad:name")
        #expect(throws: GraphError.self) { try h.compile() }
    }

    @Test func recursionLimitStopsALoop() async throws {
        var g = StateGraph(StateSchema([("n", .reducer(.add))]))
        g.addNode("a") { _, _ in .update(["n": 1]) }
        g.addEdge(START, "a")
        g.addConditionalEdges("a") { _ in ["a"] }
        await #expect(throws: GraphError.recursion(limit: 5)) {
            try await g.compile().invoke([:], config: RunConfig(recursionLimit: 5))
        }
    }
}
