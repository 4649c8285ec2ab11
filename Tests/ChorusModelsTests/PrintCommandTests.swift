import ChorusApp
import ChorusStore
import Foundation
import Testing

@Suite struct PrintCommandTests {
    final class Output: Sendable {
        let text = ChorusGraphLocked("")
    }

    @Test func printStreamsTheAnswerAndSavesTheThread() async throws {
        let dir = NSTemporaryDirectory() + "chorus-print-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = Output()
        let command = PrintCommand(question: "what is a superstep? \u{1B}[2J", provider: "offline", system: nil, maxTokens: nil,
                                   ephemeral: false, databasePath: dir + "/db.sqlite")
        let thread = try await command.run(environment: ["CHORUS_OFFLINE_TOKENS_PER_SECOND": "0"]) { t in out.text.withLock { $0 += t } }
        let printed = out.text.withLock { $0 }
        #expect(printed.contains("“what is a superstep? ”"))
        #expect(!printed.contains("\u{1B}"))
        let id = try #require(thread)
        let store = ThreadStore(database: try ChorusDatabase(path: dir + "/db.sqlite"))
        #expect(try await store.get(id)?.messageCount == 2)
        #expect(try await store.transcript(id).last?["content"]?.stringValue?.contains("what is a superstep?") == true)
    }

    @Test func ephemeralSavesNothingAndUnknownProvidersAreRefused() async throws {
        let dir = NSTemporaryDirectory() + "chorus-print-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let command = PrintCommand(question: "hi", provider: "offline", system: nil, maxTokens: 3, ephemeral: true, databasePath: dir + "/db.sqlite")
        #expect(try await command.run(environment: ["CHORUS_OFFLINE_TOKENS_PER_SECOND": "0"]) { _ in } == nil)
        #expect(!FileManager.default.fileExists(atPath: dir + "/db.sqlite"))
        let bad = PrintCommand(question: "hi", provider: "nope", system: nil, maxTokens: nil, ephemeral: true, databasePath: dir + "/db.sqlite")
        await #expect(throws: UsageError.self) { _ = try await bad.run(environment: [:]) { _ in } }
    }
}

typealias ChorusGraphLocked = ChorusGraph.Locked
import ChorusGraph

/// The real `chorus` binary, as a script would run it.
@Suite struct ChorusCommandLineTests {
    @Test func printThenListThreadsAsJSON() throws {
        let dir = NSTemporaryDirectory() + "chorus-cli-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let env = ["CHORUS_OFFLINE_TOKENS_PER_SECOND": "0", "CHORUS_DB": dir + "/c.sqlite"]
        let (status, out, err) = try BuiltExecutable.run("chorus", ["--print", "name three reducers"], environment: env)
        #expect(status == 0)
        #expect(out.contains("“name three reducers”"))
        #expect(err.contains("saved as thread"))
        let (listStatus, listed, _) = try BuiltExecutable.run("chorus", ["threads", "list", "--json"], environment: env)
        #expect(listStatus == 0)
        let rows = try listed.split(separator: "\n").map { try JSON.parse(String($0)) }
        #expect(rows.count == 1)
        #expect(rows.first?["title"] == "name three reducers")
        #expect(rows.first?["messages"] == 2)
        #expect(rows.first?["updated_at"]?.doubleValue != nil)
    }

    @Test func failuresExitNonZeroWithTheReasonOnStderr() throws {
        let dir = NSTemporaryDirectory() + "chorus-cli-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "not a database".write(toFile: dir + "/bad.sqlite", atomically: true, encoding: .utf8)
        let (status, out, err) = try BuiltExecutable.run("chorus", ["threads", "list", "--db", dir + "/bad.sqlite"])
        #expect(status != 0)
        #expect(out.isEmpty)
        #expect(err.contains(dir + "/bad.sqlite"))
        let (s2, _, e2) = try BuiltExecutable.run("chorus", ["--print", "x", "--provider", "mystery", "--ephemeral"])
        #expect(s2 != 0)
        #expect(e2.contains("unknown provider 'mystery'"))
    }
}

import ChorusTesting
