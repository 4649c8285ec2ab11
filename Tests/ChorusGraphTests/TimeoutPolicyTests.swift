import ChorusGraph
import Dispatch
import Foundation
import Testing

/// Node time limits (`TimeoutPolicy`). Nodes here wait on signals that never
/// fire, so a test ends only through the limit under test; the limits are
/// short, the margins between them wide.
@Suite(.timeLimit(.minutes(1))) struct TimeoutPolicyTests {
    static func single(_ policy: NodePolicy, _ action: @escaping NodeAction) throws -> CompiledGraph {
        var g = StateGraph(StateSchema([("log", .reducer(.append))]))
        g.addNode("node", policy: policy, action)
        g.addEdge(START, "node")
        return try g.compile()
    }

    static func timeoutError(_ body: () async throws -> Void) async -> NodeTimeoutError? {
        do {
            try await body()
            return nil
        } catch {
            return error as? NodeTimeoutError
        }
    }

    @Test func aRunLimitCancelsTheAttemptAndNamesTheNodeAndTheLimit() async throws {
        let cancelled = Signal()
        let graph = try Self.single(NodePolicy(timeout: TimeoutPolicy(run: 0.05))) { _, _ in
            try await sleepUntilCancelled(started: Signal(), cancelled: cancelled)
            return .none
        }
        let error = await Self.timeoutError { _ = try await graph.invoke([:]) }
        #expect(error?.limit == .run)
        #expect(error?.errorMessage.hasPrefix("Node 'node' exceeded its run timeout of 0.050s (elapsed: ") == true)
        await cancelled.wait()
    }

    @Test func progressKeepsAnIdleLimitAwayAndSilenceTripsIt() async throws {
        let busy = try Self.single(NodePolicy(timeout: TimeoutPolicy(idle: 1.5))) { _, context in
            for _ in 0..<8 {
                try await Task.sleep(for: .milliseconds(250))
                context.heartbeat()
            }
            return .update(["log": ["finished"]])
        }
        #expect(try await busy.invoke([:]).values["log"] == ["finished"])

        let silent = try Self.single(NodePolicy(timeout: TimeoutPolicy(run: 30, idle: 0.05))) { _, _ in
            try await sleepUntilCancelled(started: Signal(), cancelled: Signal())
            return .none
        }
        let error = await Self.timeoutError { _ = try await silent.invoke([:]) }
        #expect(error?.limit == .idle)
        #expect(error?.errorMessage.contains("without making progress") == true)
    }

    @Test func outputOfATimedOutAttemptIsDropped() async throws {
        let release = DispatchSemaphore(value: 0)
        let late = Signal()
        let graph = try Self.single(NodePolicy(timeout: TimeoutPolicy(run: 0.05))) { _, context in
            context.write(custom: "early")
            // Blocking work ignores cancellation: the attempt's wait ends at the
            // timeout, and the node's later output must not reach the stream.
            _ = try? await context.blocking { release.wait(timeout: .now() + 10) }
            context.write(custom: "late")
            late.fire()
            return .update(["log": ["late"]])
        }
        var custom: [Value] = []
        do {
            for try await part in graph.stream(.state([:]), modes: [.custom]) {
                if case .custom(let value) = part.payload { custom.append(value) }
            }
            Issue.record("the run should time out")
        } catch is NodeTimeoutError {}
        await late.wait()
        release.signal()
        #expect(custom == ["early"])
    }

    @Test func limitsApplyToSendTasksAndSubgraphs() async throws {
        var inner = StateGraph(StateSchema([("log", .reducer(.append))]))
        inner.addNode("hang") { _, _ in
            try await sleepUntilCancelled(started: Signal(), cancelled: Signal())
            return .none
        }
        inner.addEdge(START, "hang")
        var outer = StateGraph(StateSchema([("log", .reducer(.append))]))
        outer.addNode("sub", subgraph: try inner.compile(), policy: NodePolicy(timeout: TimeoutPolicy(run: 0.05)))
        outer.addEdge(START, "sub")
        let subgraphError = await Self.timeoutError { _ = try await outer.compile().invoke([:]) }
        #expect(subgraphError?.node == "sub")

        var fan = StateGraph(StateSchema([("log", .reducer(.append))]))
        fan.addNode("plan") { _, _ in .update([:]) }
        fan.addNode("work", policy: NodePolicy(timeout: TimeoutPolicy(run: 0.05))) { input, _ in
            if input["i"] == 1 { try await sleepUntilCancelled(started: Signal(), cancelled: Signal()) }
            return .update(["log": [input["i"] ?? .null]])
        }
        fan.addEdge(START, "plan")
        fan.addConditionalEdges("plan") { _ in [0, 1].map { .send(Send("work", ["i": .int($0)])) } }
        let sendError = await Self.timeoutError { _ = try await fan.compile().invoke([:]) }
        #expect(sendError?.node == "work")
    }

    @Test func aTimedOutAttemptIsRetriedByItsRetryPolicy() async throws {
        let policy = NodePolicy(retry: [RetryPolicy(initialInterval: 0.001, maxAttempts: 2, jitter: false)], timeout: TimeoutPolicy(run: 0.05))
        let graph = try Self.single(policy) { _, context in
            if context.attempt == 1 { try await sleepUntilCancelled(started: Signal(), cancelled: Signal()) }
            return .update(["log": [.string("attempt \(context.attempt)")]])
        }
        #expect(try await graph.invoke([:]).values["log"] == ["attempt 2"])
    }

    @Test func limitsThatAreNotPositiveMakeNoPolicy() {
        #expect(TimeoutPolicy(run: 0) == nil)
        #expect(TimeoutPolicy(run: -1, idle: .infinity) == nil)
        #expect(TimeoutPolicy(idle: 2)?.run == nil)
    }
}
