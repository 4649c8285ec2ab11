import ChorusGraph
import ChorusProcess
import ChorusStore
import ChorusTesting
import Foundation
import Testing

/// Tests that run `chorus-crash-probe` (built beside the test bundle) as a separate process.
@Suite(.timeLimit(.minutes(2))) struct ProcessTests {
    static var probe: String { BuiltExecutable.path("chorus-crash-probe") }

    @Test func killDashNineLosesOnlyTheStepInFlightAndNothingRunsTwice() async throws {
        let dir = TemporaryDirectory()
        let db = dir.file("crash.sqlite"), ran = dir.file("ran.log")
        let child = try ChildProcess(Self.probe, ["run", db, ran, "crash"], standardOutput: .pipe)
        // Wait until `fast` has finished (its write is committed) while `slow` sleeps.
        var seen = ""
        for await line in lines(of: child.standardOutput!) {
            seen += line + "\n"
            if line == "finished fast" { break }
        }
        #expect(seen.contains("finished fast"))
        child.sendSignal(SIGKILL)
        #expect(await child.terminationStatus() == .signalled(SIGKILL))
        #expect(RanLog.read(ran) == ["fast"])

        let database = try ChorusDatabase(path: db)
        let graph = try CrashProbeGraph.make(ranLog: ran, slowDelay: .zero, checkpointer: SQLiteCheckpointer(database: database))
        let config = RunConfig(threadId: "crash")
        let state = try await graph.getState(config: config)
        #expect(state.next == ["slow"])
        let seed = CrashProbeGraph.seedLog.map(Value.string)
        #expect(state.values["log"] == .array(seed + ["fast"]))
        let done = try await graph.invoke(.continue, config: config)
        #expect(done.values["log"] == .array(seed + ["fast", "slow", "c1", "c2"]))
        #expect(RanLog.read(ran) == ["fast", "slow", "c1", "c2"])
    }

    @Test func twoProcessesShareOneDatabaseWithoutLosingUpdates() async throws {
        let dir = TemporaryDirectory()
        let db = dir.file("shared.sqlite")
        _ = try ChorusDatabase(path: db)
        let count = 25
        let children = try ["p", "q"].map { prefix in
            try ChildProcess(Self.probe, ["hammer", db, prefix, String(count)], standardError: .null)
        }
        for child in children {
            #expect(await child.terminationStatus() == .exited(0))
        }
        let database = try ChorusDatabase(path: db)
        let threads = ThreadStore(database: database)
        let all = try await threads.list()
        #expect(all.count == 2 * count + 1)
        let checkpointer = SQLiteCheckpointer(database: database)
        for prefix in ["p", "q"] {
            for i in 0..<count {
                let latest = try #require(try await checkpointer.get(threadId: "\(prefix)-\(i)", namespace: "", id: nil))
                #expect(latest.checkpoint.channelValues["n"] == 11)
                #expect(try await threads.get("\(prefix)-\(i)")?.messageCount == 2)
            }
        }
        let shared = try await threads.get("shared")?.title
        #expect(shared == "p-\(count - 1)" || shared == "q-\(count - 1)")
    }
}
