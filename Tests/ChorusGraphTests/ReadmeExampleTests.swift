import ChorusGraph
import Testing

/// The engine example in docs/engine.md, as written there, so it cannot rot.
enum ReadmeExample {
    enum Counter: GraphState {
        static let n = Key<Int>.lastValue("n")
        static let log = Key<[String]>.appending("log")       // writes are appended
        static let schema = Schema(n, log)
    }

    struct Job: Codable, StateValue {
        var id: Int
        var size: String
    }

    static func run() async throws -> (Int, [String], [StreamPart]) {
        var graph = TypedStateGraph<Counter>()
        graph.addNode(.plan) { _, context in
            context.write(custom: "planning")                     // the `custom` stream
            return StateUpdate { $0.log = ["planned"] }
        }
        graph.addConditionalEdges(.plan) { _ in                   // fan out: one task per Job
            (1...3).map { .send(.work, Job(id: $0, size: "small")) }
        }
        graph.addNode(.work, input: Job.self) { job, _ in StateUpdate { $0.log = ["job \(job.id)"] } }
        graph.addNode(.count) { state, _ in try StateUpdate { $0.n = try state.n + state.log.count } }
        graph.addEdge(.start, .plan)
        graph.addEdge(.work, .count)
        let app = try graph.compile(checkpointer: InMemoryCheckpointer())
        let result = try await app.invoke(StateUpdate { $0.n = 0 }, config: RunConfig(threadId: "t1", maxConcurrency: 8))
        var parts: [StreamPart] = []
        for try await part in app.graph.stream(.state(["n": 0]), modes: [.updates, .custom]) { parts.append(part) }
        return (try result.state.n, try result.state.log, parts)
    }
}

extension NodeName {
    fileprivate static let plan: NodeName = "plan"
    fileprivate static let work: NodeName = "work"
    fileprivate static let count: NodeName = "count"
}

@Suite struct ReadmeExampleTests {
    @Test func theReadmeExampleDoesWhatItsCommentsSay() async throws {
        let (n, log, parts) = try await ReadmeExample.run()
        #expect(n == 4)
        #expect(log == ["planned", "job 1", "job 2", "job 3"])
        #expect(parts.contains { if case .custom("planning") = $0.payload { true } else { false } })
    }
}
