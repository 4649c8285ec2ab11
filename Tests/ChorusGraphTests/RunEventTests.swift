import ChorusSupport
import Testing
@testable import ChorusGraph

/// `START → plan → Send(worker, i) × n`; each worker is a model call that
/// streams `tokens` tokens `"w<i>.<j>"`, all workers inside `gate` together.
func streamingFanOut(_ n: Int, tokens: Int, gate: ConcurrencyGate) throws -> CompiledGraph {
    var g = StateGraph(StateSchema([("out", .reducer(.append))]))
    g.addNode("plan") { _, _ in .update([:]) }
    g.addNode("worker") { input, context in
        let i = input["i"]!.intValue!
        let call = context.modelCall(name: "fake", messageId: "m\(i)")
        call.token("w\(i).0")
        await gate.pass()
        for j in 1..<tokens { call.token("w\(i).\(j)") }
        call.end(usage: RunEvent.Usage(inputTokens: 1, outputTokens: tokens))
        return .update(["out": [.int(i)]])
    }
    g.addEdge(START, "plan")
    g.addConditionalEdges("plan") { _ in (0..<n).map { .send(Send("worker", ["i": .int($0)])) } }
    return try g.compile()
}

extension RunEvent.Kind {
    var name: String {
        switch self {
        case .runStart: "runStart"
        case .runEnd: "runEnd"
        case .runError: "runError"
        case .nodeStart: "nodeStart"
        case .nodeEnd: "nodeEnd"
        case .nodeError: "nodeError"
        case .nodeRetry: "nodeRetry"
        case .modelStart: "modelStart"
        case .token: "token"
        case .modelEnd: "modelEnd"
        case .modelRetry: "modelRetry"
        case .toolStart: "toolStart"
        case .toolEnd: "toolEnd"
        case .custom: "custom"
        }
    }

    var tokenText: String? {
        if case .token(let text, _) = self { return text }
        return nil
    }
}

@Suite(.timeLimit(.minutes(1))) struct RunEventTests {
    @Test func eachTaskReportsStartModelTokensEndInOrder() async throws {
        let n = 3, tokens = 4
        let (events, error) = await collectEvents(try streamingFanOut(n, tokens: tokens, gate: ConcurrencyGate(width: n, total: n)), .state([:]))
        #expect(error == nil)
        #expect(events.first?.kind == .runStart)
        #expect(events.last.map { if case .runEnd = $0.kind { true } else { false } } == true)
        let workers = Dictionary(grouping: events.filter { $0.node == "worker" }, by: { $0.task! })
        #expect(workers.count == n)
        for (_, taskEvents) in workers {
            let kinds = taskEvents.map(\.kind.name)
            #expect(kinds == ["nodeStart", "modelStart"] + Array(repeating: "token", count: tokens) + ["modelEnd", "nodeEnd"])
        }
        #expect(events.filter { $0.node == "plan" }.map(\.kind.name) == ["nodeStart", "nodeEnd"])
    }

    @Test func tokensAreRoutedToTheTaskThatProducedThem() async throws {
        let n = 4, tokens = 5
        let (events, _) = await collectEvents(try streamingFanOut(n, tokens: tokens, gate: ConcurrencyGate(width: n, total: n)), .state([:]))
        // All workers were inside the gate together, so their tokens interleave;
        // each task must still own exactly one worker's tokens, in order.
        var byTask: [String: [String]] = [:]
        for event in events { if let text = event.kind.tokenText { byTask[event.task!, default: []].append(text) } }
        let owners = byTask.values.map { texts in texts.first!.split(separator: ".").first! }
        #expect(Set(owners).count == n)
        for texts in byTask.values {
            let worker = texts.first!.split(separator: ".").first!
            #expect(texts == (0..<tokens).map { "\(worker).\($0)" })
        }
        #expect(Set(events.compactMap(\.task)).count == n + 1)
    }

    @Test func idsAndParentIdsNestThroughASubgraphAndSends() async throws {
        let inner = try streamingFanOut(2, tokens: 2, gate: ConcurrencyGate(width: 2, total: 2))
        var g = StateGraph(StateSchema([("out", .reducer(.append))]))
        g.addNode("research", subgraph: inner)
        g.addEdge(START, "research")
        let (events, error) = await collectEvents(try g.compile(), .state([:]), config: RunConfig(tags: ["t1"]))
        #expect(error == nil)
        let runId = events[0].id
        #expect(events.allSatisfy { $0.runId == runId && $0.tags == ["t1"] })
        #expect(events.filter { $0.node == nil }.allSatisfy { $0.id == runId && $0.parentIds.isEmpty })
        let outer = try #require(events.first { $0.node == "research" && $0.kind == .nodeStart })
        #expect(outer.parentIds == [runId] && outer.namespace == [])
        let workerStarts = events.filter { $0.node == "worker" && $0.kind == .nodeStart }
        #expect(workerStarts.count == 2)
        for start in workerStarts {
            #expect(start.parentIds == [runId, outer.id])
            #expect(start.namespace == ["research:\(outer.task!)"])
            let tokens = events.filter { $0.task == start.task && $0.kind.tokenText != nil }
            #expect(tokens.count == 2)
            let model = try #require(events.first { $0.task == start.task && $0.kind == .modelStart(model: "fake") })
            #expect(tokens.allSatisfy { $0.id == model.id && $0.parentIds == [runId, outer.id, start.id] })
        }
        // The subgraph's task ends after everything inside it.
        let outerEnd = try #require(events.lastIndex { $0.node == "research" && $0.kind == .nodeEnd })
        #expect(events[..<outerEnd].filter { $0.node == "worker" && $0.kind == .nodeEnd }.count == 2)
    }

    @Test func customWritesAndToolCallsBecomeEvents() async throws {
        var g = StateGraph(StateSchema([("x", .lastValue)]))
        g.addNode("a") { _, context in
            context.write(custom: ["progress": 1])
            let tool = context.toolStart(name: "add", input: ["a": 1, "b": 2])
            tool.end(output: 3)
            return .update(["x": 1])
        }
        g.addEdge(START, "a")
        let (events, _) = await collectEvents(try g.compile(), .state([:]))
        let kinds = events.filter { $0.node == "a" }.map(\.kind)
        #expect(kinds == [.nodeStart, .custom(["progress": 1]), .toolStart(name: "add", input: ["a": 1, "b": 2]), .toolEnd(name: "add", output: 3), .nodeEnd])
        let toolEvents = events.filter { if case .toolStart = $0.kind { true } else if case .toolEnd = $0.kind { true } else { false } }
        #expect(Set(toolEvents.map(\.id)).count == 1)
        #expect(events.last?.kind == .runEnd(output: ["x": 1]))
    }

    @Test func aFailingNodeReportsNodeErrorThenRunError() async throws {
        struct Boom: Error, CustomStringConvertible { var description: String { "boom" } }
        var g = StateGraph(StateSchema([("x", .lastValue)]))
        g.addNode("ok") { _, _ in .update(["x": 1]) }
        g.addNode("bad") { _, _ in throw Boom() }
        g.addEdge(START, "ok")
        g.addEdge("ok", "bad")
        let (events, error) = await collectEvents(try g.compile(), .state([:]))
        #expect(error is Boom)
        let tail = events.suffix(2).map(\.kind)
        #expect(tail.first.map { if case .nodeError(let m) = $0 { m.contains("boom") } else { false } } == true)
        #expect(tail.last.map { if case .runError(let m) = $0 { m.contains("boom") } else { false } } == true)
        #expect(events.suffix(2).first?.node == "bad")
    }

    @Test func withoutAnEventConsumerReportersDoNothing() async throws {
        let seen = Locked<[Bool]>([])
        var g = StateGraph(StateSchema([("x", .lastValue)]))
        g.addNode("a") { _, context in
            seen.withLock { $0.append(context.reportsEvents) }
            seen.withLock { $0.append(context.modelCall(name: "m", messageId: "1").isActive) }
            return .none
        }
        g.addEdge(START, "a")
        let graph = try g.compile()
        _ = try await graph.invoke([:])
        for try await _ in graph.events(.state([:])) {}
        #expect(seen.withLock { $0 } == [false, false, true, true])
    }

    @Test func cancellingTheConsumerCancelsTheRun() async throws {
        let started = Signal(), cancelled = Signal()
        let graph = try sleeperGraph(started: started, cancelled: cancelled)
        let consumer = Task {
            for try await _ in graph.events(.state([:])) {}
        }
        await started.wait()
        consumer.cancel()
        await cancelled.wait()
        await #expect(throws: CancellationError.self) { try await consumer.value }
    }
}
