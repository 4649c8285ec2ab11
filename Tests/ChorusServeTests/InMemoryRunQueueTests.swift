@testable import ChorusServe
import ChorusGraph
import ChorusStore
import Foundation
import Testing

/// The in-memory run queue on its own: claim order, one run per thread,
/// leases, cancels and the retention, as `PostgresRunQueue` does them.
struct InMemoryRunQueueTests {
    func record(_ id: String, thread: String, at seconds: Double) -> RunRecord {
        let date = Date(timeIntervalSince1970: seconds)
        return RunRecord(id: id, threadId: thread, isStateless: false, assistantId: "chat", request: "{}", createdAt: date, updatedAt: date)
    }

    @Test func aThreadRunsItsRunsOneAtATimeInOrder() async throws {
        let queue = InMemoryRunQueue(board: .init())
        for (id, thread, at) in [("1", "t", 1.0), ("2", "t", 2.0), ("3", "u", 3.0)] {
            _ = try await queue.submit(record(id, thread: thread, at: at), rejectIfBusy: false)
        }
        // Not next on its thread: "1" waits ahead of it.
        #expect(try await queue.claim(lease: .seconds(60), runId: "2") == nil)
        #expect(try await queue.claim(lease: .seconds(60), runId: nil)?.id == "1")
        // Thread t runs "1": the next claim skips t's "2" for u's "3".
        #expect(try await queue.claim(lease: .seconds(60), runId: nil)?.id == "3")
        #expect(try await queue.claim(lease: .seconds(60), runId: nil) == nil)
        await #expect(throws: ThreadBusy.self) { try await queue.submit(record("4", thread: "t", at: 4), rejectIfBusy: true) }
        let ended = try await queue.finish("1", status: .success, outcome: ThreadActivity(status: "idle"), finalValues: ["x": 1])
        #expect(ended.held && ended.next)
        let next = try #require(try await queue.claim(lease: .seconds(60), runId: nil))
        #expect(next.id == "2" && next.attempt == 1 && next.owner == "local")
        #expect(try await queue.threadActivity("t")?.status == "busy")
    }

    @Test func aLeaseThatRunsOutHandsTheRunToAnotherInstance() async throws {
        let board = InMemoryRunQueue.Board()
        let (a, b) = (InMemoryRunQueue(board: board, instance: "a", isShared: true), InMemoryRunQueue(board: board, instance: "b", isShared: true))
        _ = try await a.submit(record("1", thread: "t", at: 1), rejectIfBusy: false)
        #expect(try await a.claim(lease: .milliseconds(1), runId: "1")?.owner == "a")
        try await Task.sleep(for: .milliseconds(20))
        #expect(try await b.renew(["1"], lease: .seconds(60)).isEmpty, "b holds nothing")
        #expect(try await b.requeueExpired() == 1)
        let taken = try #require(try await b.claim(lease: .seconds(60), runId: nil))
        #expect(taken.owner == "b" && taken.attempt == 2)
        // a no longer holds it: its renewal says so, and its record of the end is refused.
        #expect(try await a.renew(["1"], lease: .seconds(60)).isEmpty)
        #expect(try await a.finish("1", status: .success, outcome: ThreadActivity(status: "idle"), finalValues: nil).held == false)
        // A cancel of a running run is told to its owner, who sees it on renewal.
        #expect(try await a.requestCancel("1", action: .rollback) == nil)
        #expect(try await b.renew(["1"], lease: .seconds(60))["1"] == .some(.rollback))
    }

    @Test func finishedRunsAreKeptByTheRetention() async throws {
        let retention = RunRetention(records: 2, recordsFor: .seconds(3600), eventsFor: .zero, valuesOfNewest: 1, valuesFor: .zero)
        let queue = InMemoryRunQueue(board: .init(retention: retention))
        for i in 1...4 {
            let id = "\(i)"
            _ = try await queue.submit(record(id, thread: "t\(i)", at: Double(i)), rejectIfBusy: false)
            _ = try await queue.claim(lease: .seconds(60), runId: id)
            try await queue.append([StoredRunEvent(runId: id, seq: 0, event: "metadata", data: "{}")])
            _ = try await queue.finish(id, status: .success, outcome: ThreadActivity(status: "idle"), finalValues: ["n": .int(i)])
        }
        // Only the newest keeps its final state, at once.
        #expect(try await queue.run("3")?.finalValues == nil)
        #expect(try await queue.run("4")?.finalValues == ["n": 4])
        try await queue.prune()
        // The newest two records stay, without their events.
        #expect(try await queue.run("1") == nil)
        #expect(try await queue.run("2") == nil)
        #expect(try await queue.run("3")?.status == .success)
        #expect(try await queue.events(of: "4", after: -1).isEmpty)
        #expect(try await queue.threadActivity("t4")?.status == "idle")
        #expect(try await queue.threadActivity("t1") == nil)
    }
}
