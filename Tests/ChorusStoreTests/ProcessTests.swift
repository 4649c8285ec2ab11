import ChorusGraph
import ChorusStore
import ChorusTesting
import Foundation
import Testing

/// Tests that run `chorus-crash-probe` (built beside the test bundle) as a separate process.
@Suite(.timeLimit(.minutes(2))) struct ProcessTests {
    static var probe: String { BuiltExecutable.path("chorus-crash-probe") }

    /// Lines a child writes, as they arrive.
    static func lines(of handle: FileHandle) -> AsyncStream<String> {
        AsyncStream { continuation in
            let pending = Locked(Data())
            handle.readabilityHandler = { h in
                let data = h.availableData
                if data.isEmpty {
                    h.readabilityHandler = nil
                    continuation.finish()
                    return
                }
                let complete: [String] = pending.withLock { buffer in
                    buffer.append(data)
                    var lines: [String] = []
                    while let newline = buffer.firstIndex(of: 0x0A) {
                        lines.append(String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self))
                        buffer.removeSubrange(buffer.startIndex...newline)
                    }
                    return lines
                }
                for line in complete { continuation.yield(line) }
            }
        }
    }

    @Test func killDashNineLosesOnlyTheStepInFlightAndNothingRunsTwice() async throws {
        let dir = TemporaryDirectory()
        let db = dir.file("crash.sqlite"), ran = dir.file("ran.log")
        let child = Process()
        child.executableURL = URL(fileURLWithPath: Self.probe)
        child.arguments = ["run", db, ran, "crash"]
        let out = Pipe()
        child.standardOutput = out
        try child.run()
        // Wait until `fast` has finished (its write is committed) while `slow` sleeps.
        var seen = ""
        for await line in Self.lines(of: out.fileHandleForReading) {
            seen += line + "\n"
            if line == "finished fast" { break }
        }
        #expect(seen.contains("finished fast"))
        kill(child.processIdentifier, SIGKILL)
        child.waitUntilExit()
        #expect(child.terminationReason == .uncaughtSignal)
        #expect(RanLog.read(ran) == ["fast"])

        let database = try ChorusDatabase(path: db)
        let graph = try CrashProbeGraph.make(ranLog: ran, slowDelay: .zero, checkpointer: SQLiteCheckpointer(database: database))
        let config = RunConfig(threadId: "crash")
        let state = try await graph.getState(config: config)
        #expect(state.next == ["slow"])
        #expect(state.values["log"] == ["fast"])
        let done = try await graph.invoke(.continue, config: config)
        #expect(done.values["log"] == ["fast", "slow", "c1", "c2"])
        #expect(RanLog.read(ran) == ["fast", "slow", "c1", "c2"])
    }

    @Test func twoProcessesShareOneDatabaseWithoutLosingUpdates() async throws {
        let dir = TemporaryDirectory()
        let db = dir.file("shared.sqlite")
        _ = try ChorusDatabase(path: db)
        let count = 25
        let children = try ["p", "q"].map { prefix -> Process in
            let child = Process()
            child.executableURL = URL(fileURLWithPath: Self.probe)
            child.arguments = ["hammer", db, prefix, String(count)]
            let errors = Pipe()
            child.standardError = errors
            try child.run()
            return child
        }
        for child in children {
            child.waitUntilExit()
            #expect(child.terminationStatus == 0)
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
