import ChorusGraph
import ChorusSupport
import Dispatch
import Foundation
import Testing

/// Work declared blocking (`NodeContext.blocking`) leaves the cooperative
/// pool to other runs. Checked with gates, not clocks: if blocking work held
/// pool threads, the second run could not finish while the first one's
/// nodes wait for it, and their waits would time out.
@Suite(.timeLimit(.minutes(1))) struct BlockingWorkTests {
    /// More blocking nodes than the pool has threads, each waiting until released.
    static func blockingFanOut(width: Int, started: Locked<Int>, release: DispatchSemaphore) throws -> CompiledGraph {
        var g = StateGraph(StateSchema([("released", .reducer(.append))]))
        for i in 0..<width {
            g.addNode("block\(i)") { _, context in
                let released = try await context.blocking {
                    started.withLock { $0 += 1 }
                    return release.wait(timeout: .now() + 20) == .success
                }
                return .update(["released": [.bool(released)]])
            }
            g.addEdge(START, "block\(i)")
        }
        return try g.compile()
    }

    static func waitUntil(_ condition: () -> Bool) async throws {
        while !condition() { try await Task.sleep(for: .milliseconds(2)) }
    }

    @Test func anotherRunFinishesWhileBlockingNodesHoldTheirThreads() async throws {
        let width = ProcessInfo.processInfo.activeProcessorCount + 2
        let started = Locked(0), release = DispatchSemaphore(value: 0)
        let blocked = try Self.blockingFanOut(width: width, started: started, release: release)
        let running = Task { try await blocked.invoke([:]) }
        try await Self.waitUntil { started.withLock { $0 } == width }

        var chain = StateGraph(StateSchema([("n", .lastValue)]))
        for i in 0..<3 {
            chain.addNode("n\(i)") { input, _ in .update(["n": .int((input["n"]?.intValue ?? 0) + 1)]) }
            chain.addEdge(i == 0 ? START : "n\(i - 1)", "n\(i)")
        }
        let quick = try await chain.compile().invoke(["n": 0])
        #expect(quick.values["n"] == 3)

        for _ in 0..<width { release.signal() }
        let result = try await running.value
        #expect(result.values["released"] == .array(Array(repeating: true, count: width)))
    }

    @Test func cancellingTheRunStopsTheWaitNotTheWork() async throws {
        let started = Locked(0), release = DispatchSemaphore(value: 0)
        let blocked = try Self.blockingFanOut(width: 1, started: started, release: release)
        let running = Task { try await blocked.invoke([:]) }
        try await Self.waitUntil { started.withLock { $0 } == 1 }
        running.cancel()
        await #expect(throws: CancellationError.self) { try await running.value }
        // The blocked body is still waiting; releasing it lets it end with nobody to tell.
        release.signal()
    }
}
