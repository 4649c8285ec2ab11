import ChorusGraph
import ChorusTesting
import Foundation
import Testing

/// `research --jsonl` and `--print --json`, one body on the local engine and
/// on a real `chorus serve` with `--server`: the same event names, and for
/// each event the same keys (`RunUpdateSchema`, docs/run-updates.md).
@Suite struct RunUpdatesOnBothBackendsTests {
    let sandbox: ChorusSandbox

    init() throws {
        sandbox = try ChorusSandbox(prefix: "chorus-updates-both-")
    }

    func lines(_ arguments: [String]) async throws -> [Value] {
        let (status, out, err) = try await sandbox.run(arguments)
        #expect(status == 0, "\(arguments): \(err)")
        return try out.split(separator: "\n").map { try JSON.parse(String($0)) }
    }

    @Test func researchAndPrintSayTheSameOnEitherBackend() async throws {
        let server = try await LangGraphTestServer.start(.chorusServe, tokens: 0, delayMs: 0, fanout: 3)
        do {
            try await compare(server: server.url)
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    func compare(server: String) async throws {
        let local = try await lines(["research", "Why is the sky blue?", "--jsonl", "--branches", "3"])
        let remote = try await lines(["research", "Why is the sky blue?", "--jsonl", "--server", server])
        for (backend, events) in [("local", local), ("server", remote)] {
            let wrong = events.compactMap(RunUpdateSchema.violation)
            #expect(wrong.isEmpty, "\(backend): \(wrong)")
            #expect(events.first?["event"] == "run_start" && events.last?["event"] == "final", "\(backend)")
            #expect(events.last?["answer"]?.stringValue?.isEmpty == false, "\(backend)")
            // The researchers are branches on both, their tokens tagged with them, and the synthesizer's words are the answer.
            let opened = Set(events.filter { $0["event"] == "branch_start" }.compactMap { $0["branch"]?.stringValue })
            #expect(opened == ["researcher 1", "researcher 2", "researcher 3"], "\(backend)")
            #expect(events.contains { $0["event"] == "token" && $0["part"] == "answer" && $0["node"] == "synthesizer" }, "\(backend)")
            #expect(events.filter { $0["event"] == "node_start" }.compactMap { $0["node"]?.stringValue }.first == "planner", "\(backend)")
        }
        let names = { (events: [Value]) in Set(events.compactMap { $0["event"]?.stringValue }) }
        #expect(names(local) == names(remote))

        let printedLocally = try #require(try await lines(["--print", "hello both", "--json"]).first)
        let printedRemotely = try #require(try await lines(["--print", "hello both", "--json", "--server", server]).first)
        #expect(Set(printedLocally.objectValue?.keys.map { $0 } ?? []) == Set(printedRemotely.objectValue?.keys.map { $0 } ?? []))
        for printed in [printedLocally, printedRemotely] {
            #expect(printed["reply"]?.stringValue?.contains("hello both") == true, "\(printed)")
            #expect(printed["thread_id"]?.stringValue?.isEmpty == false)
        }
    }
}
