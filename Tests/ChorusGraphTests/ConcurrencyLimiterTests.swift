import Testing
@testable import ChorusGraph

@Suite struct ConcurrencyLimiterStateMachineTests {
    typealias Machine = ConcurrencyLimiter.StateMachine

    @Test func permitsRunOutThenPassToWaitersInArrivalOrder() {
        var m = Machine(permits: 2)
        let (a, b, c, d) = (m.issue(), m.issue(), m.issue(), m.issue())
        #expect(m.acquire(a) == .proceed)
        #expect(m.acquire(b) == .proceed)
        #expect(m.acquire(c) == .suspend)
        #expect(m.acquire(d) == .suspend)
        #expect(m.release() == .resume(c))
        #expect(m.release() == .resume(d))
        #expect(m.release() == .none)
        #expect(m.available == 1)
    }

    @Test func aCancelledWaiterLeavesTheQueueAndFails() {
        var m = Machine(permits: 1)
        let (a, b, c) = (m.issue(), m.issue(), m.issue())
        #expect(m.acquire(a) == .proceed)
        #expect(m.acquire(b) == .suspend)
        #expect(m.acquire(c) == .suspend)
        #expect(m.cancel(b) == .fail(b))
        #expect(m.release() == .resume(c))
        #expect(m.cancel(c) == .none)
    }

    @Test func aCancellationBeforeWaitingIsNotLost() {
        var m = Machine(permits: 1)
        let a = m.issue()
        #expect(m.cancel(a) == .none)
        #expect(m.acquire(a) == .cancelled)
        #expect(m.available == 1)
    }
}

@Suite(.timeLimit(.minutes(1))) struct GatherTests {
    @Test(arguments: [1, 3])
    func gatheredRunsShareOneBudget(k: Int) async throws {
        let perGraph = 4, graphs = 3
        let gate = ConcurrencyGate(width: k, total: perGraph * graphs)
        let runs = try (0..<graphs).map { _ in GatheredRun(try fanOutGraph(perGraph) { _ in await gate.pass() }, .state([:])) }
        let results = try await CompiledGraph.gather(runs, maxConcurrency: k)
        #expect(gate.peak == k)
        #expect(gate.arrived == perGraph * graphs)
        #expect(results.map { $0.values["out"] } == Array(repeating: .array((0..<perGraph).map { .int($0) }), count: graphs))
    }

    @Test func withoutABudgetEveryRunGoesAtOnce() async throws {
        let gate = ConcurrencyGate(width: 6, total: 6)
        let runs = try (0..<2).map { _ in GatheredRun(try fanOutGraph(3) { _ in await gate.pass() }, .state([:])) }
        _ = try await CompiledGraph.gather(runs)
        #expect(gate.peak == 6)
    }

    @Test func aSharedBudgetBoundsEventStreamsToo() async throws {
        let gate = ConcurrencyGate(width: 2, total: 6)
        let limiter = ConcurrencyLimiter(permits: 2)
        let graph = try fanOutGraph(3) { _ in await gate.pass() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<2 {
                group.addTask { for try await _ in graph.events(.state([:]), config: RunConfig(limiter: limiter)) {} }
            }
            try await group.waitForAll()
        }
        #expect(gate.peak == 2)
    }
}
