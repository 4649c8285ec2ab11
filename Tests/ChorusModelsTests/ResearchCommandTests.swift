import ChorusApp
import ChorusGraph
import ChorusStore
import Foundation
import Testing

@Suite(.timeLimit(.minutes(1))) struct ResearchCommandTests {
    final class Output: Sendable {
        let out = Locked("")
        let err = Locked<[String]>([])
    }

    let environment = ["CHORUS_OFFLINE_TOKENS_PER_SECOND": "0"]

    func temporaryDatabase() -> String { NSTemporaryDirectory() + "chorus-research-\(UUID().uuidString)/db.sqlite" }

    @Test func jsonlLinesCarryTheRequiredFieldsAndEndWithTheAnswer() async throws {
        let path = temporaryDatabase()
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        let output = Output()
        let command = ResearchCommand(question: "How do bees navigate?", branches: 3, maxConcurrency: 2, provider: "offline", jsonl: true, databasePath: path)
        let thread = try await command.run(environment: environment, write: { t in output.out.withLock { $0 += t } }, progress: { _ in })
        let lines = output.out.withLock { $0 }.split(separator: "\n").map(String.init)
        let values = try lines.map { try JSON.parse($0) }
        let names = values.compactMap { $0["event"]?.stringValue }
        #expect(names.count == values.count)
        #expect(Set(names).isSubset(of: ["run_start", "node_start", "node_end", "node_error", "model_start", "token", "model_end",
                                         "tool_start", "tool_end", "custom", "run_end", "final"]))
        #expect(names.first == "run_start" && names.suffix(2) == ["run_end", "final"])
        for value in values.dropLast() {
            #expect(value["run_id"]?.stringValue?.isEmpty == false)
            #expect(value["ts"]?.doubleValue != nil)
            if !["run_start", "run_end"].contains(value["event"]?.stringValue ?? "") {
                #expect(value["node"]?.stringValue != nil && value["task"]?.stringValue != nil && value["step"]?.intValue != nil)
            }
        }
        #expect(values.filter { $0["event"] == "token" }.allSatisfy { $0["text"]?.stringValue != nil })
        #expect(values.filter { $0["event"] == "model_end" }.allSatisfy { $0["usage"]?["output_tokens"]?.intValue != nil })
        let researcherTasks = Set(values.filter { $0["event"] == "node_start" && $0["node"] == "researcher" }.compactMap { $0["task"]?.stringValue })
        #expect(researcherTasks.count == 3)
        let branches = Set(values.filter { $0["event"] == "token" && $0["node"] == "researcher" }.compactMap { $0["branch"]?.intValue })
        #expect(branches == [1, 2, 3])
        let final = try #require(values.last)
        #expect(final["event"] == "final")
        #expect(final["answer"]?.stringValue?.contains("[3]") == true)
        let saved = try await ThreadStore(database: try ChorusDatabase(path: path)).get(thread)
        #expect(saved?.kind == "research")
    }

    @Test func textModeReportsBranchesOnStderrAndTheSanitizedAnswerOnStdout() async throws {
        let path = temporaryDatabase()
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        let output = Output()
        let command = ResearchCommand(question: "Clear \u{1B}[2J the screen?", branches: 2, provider: "offline", databasePath: path)
        try await command.run(environment: environment, write: { t in output.out.withLock { $0 += t } },
                              progress: { line in output.err.withLock { $0.append(line) } })
        let progress = output.err.withLock { $0 }
        #expect(progress.contains("[1/2] running: Sub question 1 of: Clear  the screen?"))
        #expect(progress.contains("[2/2] done: Sub question 2 of: Clear  the screen?"))
        let answer = output.out.withLock { $0 }
        #expect(answer.contains("[1]") && answer.contains("[2]"))
        #expect(!answer.contains("\u{1B}") && !progress.joined().contains("\u{1B}"))
    }

    @Test func configSetsTheDefaultsAndUnknownResumesAreRefused() async throws {
        let path = temporaryDatabase()
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        let output = Output()
        let config = ChorusConfig(research: ChorusConfig.Research(branches: 5, planner: "offline", researcher: "offline", synthesizer: "offline"))
        try await ResearchCommand(question: "q", jsonl: true, databasePath: path, config: config)
            .run(environment: environment, write: { t in output.out.withLock { $0 += t } }, progress: { _ in })
        let final = try JSON.parse(String(output.out.withLock { $0 }.split(separator: "\n").last!))
        #expect(final["findings"]?.arrayValue?.count == 5)
        await #expect(throws: UsageError.self) {
            try await ResearchCommand(question: "q", provider: "offline", resumeThread: "nope", databasePath: path)
                .run(environment: environment, write: { _ in }, progress: { _ in })
        }
    }
}
