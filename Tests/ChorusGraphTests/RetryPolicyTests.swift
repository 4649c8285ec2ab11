import ChorusGraph
import ChorusSupport
import Foundation
import Testing

/// Node retries (`RetryPolicy`): attempts, backoff, which errors retry, what
/// a failed attempt leaves behind, and cancellation during the wait.
@Suite(.timeLimit(.minutes(1))) struct RetryPolicyTests {
    struct Flaky: Error {}
    struct Permanent: RetryClassifiedError { var isTransient: Bool { false } }

    static let quick = RetryPolicy(initialInterval: 0.001, jitter: false)

    /// `START → node → END`, where `node` fails on attempts below `until` with `error`.
    static func graph(policy: NodePolicy, until: Int, error: @escaping @Sendable () -> any Error = { Flaky() }, calls: Locked<[Int]>) throws -> CompiledGraph {
        var g = StateGraph(StateSchema([("log", .reducer(.append))]))
        g.addNode("node", policy: policy) { _, context in
            calls.withLock { $0.append(context.attempt) }
            context.write(custom: .int(context.attempt))
            if context.attempt < until { throw error() }
            return .update(["log": [.string("attempt \(context.attempt)")]])
        }
        g.addEdge(START, "node")
        return try g.compile()
    }

    @Test func backoffGrowsByTheFactorUpToTheCap() {
        let policy = RetryPolicy(initialInterval: 0.5, backoffFactor: 2, maxInterval: 3, jitter: false)
        #expect((1...5).map { policy.interval(afterFailedAttempts: $0) } == [0.5, 1, 2, 3, 3])
        let jittered = RetryPolicy(initialInterval: 0.5, jitter: true)
        let delays = (0..<50).map { _ in jittered.delay(afterFailedAttempts: 1) }
        #expect(delays.allSatisfy { $0 >= 0.5 && $0 < 1.5 })
        #expect(Set(delays).count > 1)
    }

    @Test func aNodeFailingTwiceSucceedsOnItsThirdAttempt() async throws {
        let calls = Locked<[Int]>([])
        var policy = Self.quick
        policy.maxAttempts = 3
        let graph = try Self.graph(policy: NodePolicy(retry: [policy]), until: 3, calls: calls)
        let result = try await graph.invoke([:])
        #expect(result.values["log"] == ["attempt 3"])
        #expect(calls.withLock { $0 } == [1, 2, 3])
    }

    @Test func attemptsStopAtMaxAttemptsWithTheLastError() async throws {
        let calls = Locked<[Int]>([])
        var policy = Self.quick
        policy.maxAttempts = 2
        let graph = try Self.graph(policy: NodePolicy(retry: [policy]), until: 10, calls: calls)
        await #expect(throws: Flaky.self) { try await graph.invoke([:]) }
        #expect(calls.withLock { $0 } == [1, 2])
    }

    @Test func permanentErrorsAndGraphErrorsAreNotRetriedByDefault() async throws {
        for error in [{ Permanent() }, { GraphError(.valueError, "bad input") }] as [@Sendable () -> any Error] {
            let calls = Locked<[Int]>([])
            let graph = try Self.graph(policy: NodePolicy(retry: [Self.quick]), until: 10, error: error, calls: calls)
            await #expect(throws: (any Error).self) { try await graph.invoke([:]) }
            #expect(calls.withLock { $0 } == [1])
        }
        #expect(RetryPolicy.transientErrors(NodeTimeoutError(node: "n", limit: .run, timeout: 1, elapsed: 1)))
        #expect(!RetryPolicy.transientErrors(CancellationError()))
    }

    @Test func theFirstPolicyThatAcceptsTheErrorDecides() async throws {
        let calls = Locked<[Int]>([])
        var never = Self.quick
        never.retryOn = { _ in false }
        var once = Self.quick
        once.maxAttempts = 2
        once.retryOn = { $0 is Flaky }
        let graph = try Self.graph(policy: NodePolicy(retry: [never, once]), until: 10, calls: calls)
        await #expect(throws: Flaky.self) { try await graph.invoke([:]) }
        #expect(calls.withLock { $0 } == [1, 2])
    }

    @Test func eventsAndMessageChunksCarryTheAttempt() async throws {
        var g = StateGraph(StateSchema([("messages", .reducer(.messages))]))
        var policy = Self.quick
        policy.maxAttempts = 2
        g.addNode("talk", policy: NodePolicy(retry: [policy])) { _, context in
            context.emitMessageChunk(id: "m", content: "try \(context.attempt)", isLast: true)
            if context.attempt == 1 { throw Flaky() }
            return .update(["messages": [["type": "ai", "content": "done", "id": "m"]]])
        }
        g.addEdge(START, "talk")
        let graph = try g.compile()
        let (events, error) = await collectEvents(graph, .state(["messages": []]))
        #expect(error == nil)
        let retries = events.compactMap { event -> Int? in
            if case .nodeRetry(let attempt, let maxAttempts, _, let reason) = event.kind, maxAttempts == 2, reason.contains("Flaky") { return attempt }
            return nil
        }
        #expect(retries == [2])
        #expect(events.filter { if case .nodeStart = $0.kind { return $0.node == "talk" } else { return false } }.count == 1)

        var attempts: [Int] = []
        for try await part in graph.stream(.state(["messages": []]), modes: [.messages]) {
            if case .message(.chunk(_, let content, _, _), let metadata) = part.payload {
                attempts.append(metadata.attempt)
                #expect(content == "try \(metadata.attempt)")
            }
        }
        #expect(attempts == [1, 2])
    }

    @Test func cancellingTheRunEndsTheWaitBeforeTheNextAttempt() async throws {
        let calls = Locked<[Int]>([])
        let waiting = Signal()
        let graph = try Self.graph(policy: NodePolicy(retry: [RetryPolicy(initialInterval: 3600, jitter: false)]), until: 10, calls: calls)
        let run = Task {
            for try await event in graph.events(.state([:])) {
                if case .nodeRetry = event.kind { waiting.fire() }
            }
        }
        await waiting.wait()
        run.cancel()
        await #expect(throws: CancellationError.self) { try await run.value }
        #expect(calls.withLock { $0 } == [1])
    }

    @Test func aRetryAsksTheSameInterruptsAgainAndReusesTheirAnswers() async throws {
        var g = StateGraph(StateSchema([("answers", .reducer(.append))]))
        var policy = Self.quick
        policy.maxAttempts = 2
        g.addNode("ask", policy: NodePolicy(retry: [policy])) { _, context in
            let first = try context.interrupt("first?")
            if context.attempt == 1 { throw Flaky() }
            let second = try context.interrupt("second?")
            return .update(["answers": [first, second]])
        }
        g.addEdge(START, "ask")
        let graph = try g.compile(checkpointer: InMemoryCheckpointer())
        let config = RunConfig(threadId: "t")
        let asked = try await graph.invoke(.state([:]), config: config)
        #expect(asked.interrupts.map(\.value) == ["first?"])
        let second = try await graph.invoke(.resume("A"), config: config)
        #expect(second.interrupts.map(\.value) == ["second?"])
        let done = try await graph.invoke(.resume("B"), config: config)
        #expect(done.values["answers"] == ["A", "B"])
    }
}
