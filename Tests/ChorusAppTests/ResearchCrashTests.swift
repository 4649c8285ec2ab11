import ChorusGraph
import ChorusProcess
import ChorusStore
import ChorusTesting
import Foundation
import Testing

/// A research run killed with SIGKILL midway and resumed with `--resume`,
/// through the built `chorus` executable and a real SQLite file.
@Suite(.timeLimit(.minutes(4))) struct ResearchCrashTests {
    /// The branches whose findings are committed in the thread's latest checkpoint.
    static func committedBranches(database: ChorusDatabase, threadId: String) async throws -> Set<Int> {
        let latest = try await SQLiteCheckpointer(database: database).get(threadId: threadId, namespace: "", id: nil)
        let findings = latest?.pendingWrites.filter { $0.channel == "findings" } ?? []
        return Set(findings.flatMap { write in (write.value.arrayValue ?? [write.value]).compactMap { $0["index"]?.intValue } })
    }

    @Test func killDashNineWithFourOfSixBranchesDoneResumesOnlyTheRest() async throws {
        let dir = NSTemporaryDirectory() + "chorus-research-kill-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = dir + "/db.sqlite"
        let common = ["--provider", "offline", "--db", db, "--jsonl"]
        var environment = ProcessInfo.processInfo.environment
        environment["CHORUS_OFFLINE_TOKENS_PER_SECOND"] = "10"  // about 10 s per branch, two at a time
        let child = try ChildProcess(BuiltExecutable.path("chorus"),
                                     ["research", "Why is the sky blue?", "--branches", "6", "--max-concurrency", "2"] + common,
                                     environment: environment, standardOutput: .null, standardError: .null)
        // Kill as soon as four findings are on disk: the third and fourth branches finish together,
        // and the last two need about 10 s more, a wide margin even when this task waits for a
        // thread on a busy machine (other tests block the cooperative pool while children run).
        let database = try ChorusDatabase(path: db)
        var threadId: String?
        var committed: Set<Int> = []
        let deadline = ContinuousClock.now + .seconds(150)
        while committed.count < 4 && ContinuousClock.now < deadline && child.termination == nil {
            if threadId == nil { threadId = try await ThreadStore(database: database).list().first { $0.kind == .research }?.id }
            if let threadId { committed = try await Self.committedBranches(database: database, threadId: threadId) }
            try await Task.sleep(for: .milliseconds(5))
        }
        let thread = try #require(threadId)
        child.sendSignal(SIGKILL)
        #expect(await child.terminationStatus() == .signalled(SIGKILL))
        committed = try await Self.committedBranches(database: database, threadId: thread)
        #expect(committed.count >= 4 && committed.count < 6, "committed before the kill: \(committed.sorted())")

        let (status, out, err) = try await BuiltExecutable.run("chorus", ["research", "--resume", thread] + common,
                                                          environment: ["CHORUS_OFFLINE_TOKENS_PER_SECOND": "0"])
        #expect(status == 0, "\(err)")
        let events = try out.split(separator: "\n").map { try JSON.parse(String($0)) }
        let rerun = Set(events.filter { $0["event"] == "custom" && $0["data"]?["status"] == "running" }
            .compactMap { $0["data"]?["branch"]?.intValue })
        #expect(rerun == Set(1...6).subtracting(committed), "branches run again after the resume")
        let final = try #require(events.last)
        #expect(final["event"] == "final")
        #expect(final["findings"]?.arrayValue?.count == 6)
        #expect(final["findings"]?.arrayValue?.allSatisfy { $0["status"] == "done" } == true)
        #expect(final["answer"]?.stringValue?.isEmpty == false)
    }
}
