import ChorusGraph
import ChorusSupport
import Foundation
import Testing

extension NodeName {
    fileprivate static let plan: NodeName = "plan"
    fileprivate static let work: NodeName = "work"
    fileprivate static let count: NodeName = "count"
    fileprivate static let stray: NodeName = "stray"
}

/// A Send payload and a list item as plain `Codable` Swift values.
private struct Job: Codable, Equatable, StateValue {
    enum Size: String, Codable { case small, large }
    var id: Int
    var size: Size
    var note: String?
    var tags: [String]
    var extra: Value
}

/// Counts its decodes, to show which keys a node actually reads.
private struct Probe: StateValue {
    static let decodes = Locked(0)
    let value: Value
    init(stateValue: Value) {
        Self.decodes.withLock { $0 += 1 }
        value = stateValue
    }
    var stateValue: Value { value }
}

private enum Counter: GraphState {
    static let n = Key<Int>.lastValue("n")
    static let log = Key<[String]>.appending("log")
    static let total = Key<Int>.adding("total")
    static let jobs = Key<[Job]>.appending("jobs")
    static let seen = Key<[String: Int]>.merging("seen")
    static let longest = Key<String>.reduced("longest", initial: "") { old, new in new.count > old.count ? new : old }
    static let big = Key<[Probe]>.appending("big")
    static let note = Key<String?>.lastValue("note")
    /// Declared but left out of `schema` on purpose.
    static let stray = Key<Int>.lastValue("stray")
    static let schema = Schema(n, log, total, jobs, seen, longest, big, note)
}

@Suite struct TypedGraphTests {
    @Test func aChainReadsAndWritesTypedKeys() async throws {
        var g = TypedStateGraph<Counter>()
        for i in 0..<3 {
            g.addNode(NodeName("n\(i)")) { state, _ in
                try StateUpdate { u in
                    u.n = try state.n
                    u.log = ["step \(i)"]
                    u.total = i + 1
                    u.seen = ["n\(i)": i]
                    u.longest = String(repeating: "x", count: 2 - i)
                }
            }
            g.addEdge(i == 0 ? .start : NodeName("n\(i - 1)"), NodeName("n\(i)"))
        }
        let graph = try g.compile()
        let result = try await graph.invoke(StateUpdate { $0.n = 5 })
        let state = result.state
        #expect(try state.n == 5)
        #expect(try state.log == ["step 0", "step 1", "step 2"])
        #expect(try state.total == 6)
        #expect(try state.seen == ["n0": 0, "n1": 1, "n2": 2])
        #expect(try state.longest == "xx")
        #expect(try state.note == nil)
        #expect(result.interrupts.isEmpty)
    }

    @Test func aNodeDecodesOnlyTheKeysItReads() async throws {
        var g = TypedStateGraph<Counter>()
        g.addNode(.count) { state, _ in try StateUpdate { $0.n = try state.n + 1 } }
        g.addEdge(.start, .count)
        let graph = try g.compile()
        let big = (0..<5_000).map { Probe(stateValue: .object(["i": .int($0)])) }
        Probe.decodes.withLock { $0 = 0 }
        let result = try await graph.invoke(StateUpdate { $0.n = 1; $0.big = big })
        #expect(Probe.decodes.withLock { $0 } == 0)
        #expect(try result.state.n == 2)
        #expect(try result.state.big.count == 5_000)
        #expect(Probe.decodes.withLock { $0 } == 5_000)
    }

    @Test func anUpdateNamingAKeyOutsideTheSchemaFailsTheRun() async throws {
        var g = TypedStateGraph<Counter>()
        g.addNode(.stray) { _, _ in StateUpdate { $0[Counter.stray] = 1 } }
        g.addEdge(.start, .stray)
        let graph = try g.compile()
        let error = await #expect(throws: GraphError.self) { try await graph.invoke(StateUpdate { $0.n = 1 }) }
        #expect(error?.kind == .invalidUpdate)
        #expect(error?.message.contains("node 'stray' wrote 'stray'") == true)

        let input = await #expect(throws: GraphError.self) { try await graph.invoke(StateUpdate { $0[Counter.stray] = 1 }) }
        #expect(input?.kind == .invalidUpdate)
    }

    @Test func codablePayloadsFanOutAndComeBack() async throws {
        var g = TypedStateGraph<Counter>()
        g.addNode(.plan) { _, _ in StateUpdate() }
        g.addConditionalEdges(.plan) { _ in
            (1...4).map { i in
                .send(.work, Job(id: i, size: i.isMultiple(of: 2) ? .large : .small, note: i == 1 ? "first" : nil,
                                 tags: ["t\(i)"], extra: ["i": .int(i), "xs": [1.5, nil]]))
            }
        }
        g.addNode(.work, input: Job.self) { job, _ in
            var done = job
            done.tags.append("done")
            return StateUpdate { $0.jobs = [done]; $0.total = job.id }
        }
        g.addEdge(.start, .plan)
        g.addEdge(.work, .end)
        let state = try await g.compile().invoke(StateUpdate()).state
        let jobs = try state.jobs.sorted { $0.id < $1.id }
        #expect(jobs.map(\.id) == [1, 2, 3, 4])
        #expect(jobs[0] == Job(id: 1, size: .small, note: "first", tags: ["t1", "done"], extra: ["i": 1, "xs": [1.5, nil]]))
        #expect(jobs[1].size == .large && jobs[1].note == nil)
        #expect(try state.total == 10)
        // On the engine's side the payload is plain JSON, absent optionals left out.
        let raw = state.values["jobs"]?.arrayValue?.first { $0["id"] == 2 }
        #expect(raw == ["id": 2, "size": "large", "tags": ["t2", "done"], "extra": ["i": 2, "xs": [1.5, nil]]])
    }

    @Test func aPayloadOfTheWrongShapeNamesTheNode() async throws {
        var g = TypedStateGraph<Counter>()
        g.addNode(.plan) { _, _ in StateUpdate() }
        g.addConditionalEdges(.plan) { _ in [.send(.work, ["id": "one"] as Value)] }
        g.addNode(.work, input: Job.self) { _, _ in StateUpdate() }
        g.addEdge(.start, .plan)
        let error = await #expect(throws: GraphError.self) { try await g.compile().invoke(StateUpdate()) }
        #expect(error?.kind == .typeError)
        #expect(error?.message.contains("node 'work' takes Job") == true)
    }

    @Test func gotoRoutesLikeACommand() async throws {
        var g = TypedStateGraph<Counter>()
        g.addNode(.count) { state, _ in
            let n = try state.n
            return StateUpdate(goto: n < 3 ? [.to(.count)] : [.end]) { $0.n = n + 1; $0.log = ["\(n)"] }
        }
        g.addEdge(.start, .count)
        let state = try await g.compile().invoke(StateUpdate { $0.n = 0 }).state
        #expect(try state.n == 4)
        #expect(try state.log == ["0", "1", "2", "3"])
    }

    @Test func readingAKeyNeverWrittenIsAClearError() async throws {
        let empty = StateView<Counter>(.object([:]))
        let error = #expect(throws: GraphError.self) { try empty.n }
        #expect(error?.message.contains("state key 'n' has no value yet") == true)
        #expect(try empty.note == nil)
        let wrong = StateView<Counter>(["n": "seven"])
        let mismatch = #expect(throws: GraphError.self) { try wrong.n }
        #expect(mismatch?.kind == .typeError)
        #expect(mismatch?.message.contains("state key 'n'") == true)
    }

    /// What each parallel branch asks before it goes on.
    struct Approval: Codable, Equatable, StateValue {
        var job: Int
        var question: String
    }

    @Test func parallelInterruptsAskAndAreAnsweredInSwiftTypes() async throws {
        var g = TypedStateGraph<Counter>()
        g.addNode(.plan) { _, _ in StateUpdate() }
        g.addConditionalEdges(.plan) { _ in (1...2).map { .send(.work, $0) } }
        g.addNode(.work, input: Int.self) { job, context in
            let approved = try context.interrupt(Approval(job: job, question: "run job \(job)?"), answer: Bool.self)
            return StateUpdate { $0.log = ["job \(job): \(approved ? "ran" : "skipped")"] }
        }
        g.addEdge(.start, .plan)
        let graph = try g.compile(checkpointer: InMemoryCheckpointer())
        let config = RunConfig(threadId: "typed-interrupts")
        let paused = try await graph.invoke(StateUpdate(), config: config)
        let asked = try paused.interrupts.map { (try Approval(stateValue: $0.value), $0.id) }
        #expect(asked.map(\.0.job).sorted() == [1, 2])
        var answers: [String: Bool] = [:]
        for (approval, id) in asked { answers[id] = approval.job == 1 }
        let done = try await graph.invoke(resumeById: answers, config: config)
        #expect(try done.state.log.sorted() == ["job 1: ran", "job 2: skipped"])

        // An answer of the wrong type names the node.
        let other = RunConfig(threadId: "typed-interrupts-wrong")
        _ = try await graph.invoke(StateUpdate(), config: other)
        let pending = try await graph.graph.getState(config: other).tasks.flatMap(\.interrupts).map(\.id)
        let error = await #expect(throws: GraphError.self) {
            try await graph.invoke(resumeById: Dictionary(uniqueKeysWithValues: pending.map { ($0, "yes") }), config: other)
        }
        #expect(error?.message.contains("node 'work' expected its interrupt to be answered with Bool") == true)
    }

    @Test func typedAndDynamicGraphsAgree() async throws {
        var typed = TypedStateGraph<Counter>()
        typed.addNode(.plan) { _, _ in StateUpdate { $0.log = ["plan"] } }
        typed.addConditionalEdges(.plan) { _ in (0..<10).map { .send(.work, $0) } }
        typed.addNode(.work, input: Int.self) { i, _ in StateUpdate { $0.total = i; $0.log = ["w\(i)"] } }
        typed.addEdge(.start, .plan)
        let typedOut = try await typed.compile().invoke(StateUpdate()).state.values

        var dynamic = StateGraph(Counter.schema.dynamic)
        dynamic.addNode("plan") { _, _ in .update(["log": ["plan"]]) }
        dynamic.addConditionalEdges("plan") { _ in (0..<10).map { .send(Send("work", .int($0))) } }
        dynamic.addNode("work") { i, _ in .update(["total": i, "log": [.string("w\(i.intValue!)")]]) }
        dynamic.addEdge(START, "plan")
        let dynamicOut = try await dynamic.compile().invoke([:]).values
        #expect(typedOut == dynamicOut)
        #expect(typedOut["total"] == 45)
    }
}
