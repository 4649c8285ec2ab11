import ChorusAgents
import ChorusApp
import ChorusGraph
import ChorusSettings
import ChorusStore
import ChorusSupport
import ChorusTesting
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
        #expect(values.compactMap(RunUpdateSchema.violation).isEmpty, "\(values.compactMap(RunUpdateSchema.violation))")
        let names = values.compactMap { $0["event"]?.stringValue }
        #expect(names.first == "run_start" && names.suffix(2) == ["run_end", "final"])
        #expect(values.allSatisfy { $0["run_id"]?.stringValue?.isEmpty == false && $0["ts"]?.doubleValue != nil })
        #expect(values.filter { $0["event"] == "token" }.allSatisfy { $0["text"]?.stringValue != nil })
        #expect(values.filter { $0["event"] == "usage" }.allSatisfy { $0["output_tokens"]?.intValue != nil })
        let researcherTasks = Set(values.filter { $0["event"] == "node_start" && $0["node"] == "researcher" }.compactMap { $0["task"]?.stringValue })
        #expect(researcherTasks.count == 3)
        // Each researcher is a branch, named after its node; its tokens carry it.
        let opened = values.filter { $0["event"] == "branch_start" }
        #expect(Set(opened.compactMap { $0["branch"]?.stringValue }) == ["researcher 1", "researcher 2", "researcher 3"])
        #expect(Set(opened.compactMap { $0["task"]?.stringValue }) == researcherTasks)
        let branches = Set(values.filter { $0["event"] == "token" && $0["part"] == "branch" }.compactMap { $0["branch"]?.stringValue })
        #expect(branches == ["researcher 1", "researcher 2", "researcher 3"])
        #expect(values.filter { $0["event"] == "token" && $0["node"] == "synthesizer" }.allSatisfy { $0["part"] == "answer" })
        let final = try #require(values.last)
        #expect(final["event"] == "final")
        #expect(final["answer"]?.stringValue?.contains("[3]") == true)
        let saved = try await ThreadStore(database: try ChorusDatabase(path: path)).get(thread)
        #expect(saved?.kind == .research)
    }

    @Test func aBudgetIsReportedInTheJSONLinesAndTheSummaryAndADollarOneNeedsPrices() async throws {
        let path = temporaryDatabase()
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        let output = Output()
        let command = ResearchCommand(question: "How do bees navigate?", branches: 2, provider: "offline", jsonl: true, databasePath: path,
                                      budget: ResearchBudget(tokens: 1_000_000))
        try await command.run(environment: environment, write: { t in output.out.withLock { $0 += t } }, progress: { _ in })
        let values = try output.out.withLock { $0 }.split(separator: "\n").map { try JSON.parse(String($0)) }
        let budget = try #require(values.first { $0["event"] == "custom" && $0["data"]?["budget"] != nil }?["data"]?["budget"])
        #expect(budget["max_tokens"] == 1_000_000 && budget["reached"] == false)
        // The run's spend is what its planner and researcher calls reported.
        let spent = values.filter { $0["event"] == "usage" && $0["node"] != "synthesizer" }
            .reduce(0) { $0 + ($1["input_tokens"]?.intValue ?? 0) + ($1["output_tokens"]?.intValue ?? 0) }
        #expect(budget["tokens"]?.intValue == spent)
        // The last line adds the run up: in all, by node, by branch.
        let usage = try #require(values.last?["usage"])
        #expect(usage["calls"] == 4 && Set(usage["nodes"]?.objectValue?.keys ?? [:].keys) == ["planner", "researcher", "synthesizer"])
        let branches = usage["branches"]?.objectValue ?? [:]
        #expect(Set(branches.keys) == ["1", "2"])
        #expect(branches.values.reduce(0) { $0 + ($1["output_tokens"]?.intValue ?? 0) } == usage["nodes"]?["researcher"]?["output_tokens"]?.intValue)

        let text = Output()
        try await ResearchCommand(question: "How do bees navigate?", branches: 2, provider: "offline", databasePath: path, budget: ResearchBudget(tokens: 1_000_000))
            .run(environment: environment, write: { _ in }, progress: { line in text.err.withLock { $0.append(line) } })
        let lines = text.err.withLock { $0 }
        #expect(lines.contains { $0.hasPrefix("chorus: budget: ") && $0.hasSuffix(" of 1000000 tokens spent") })
        #expect(lines.contains { $0.hasPrefix("chorus: used ") && $0.contains(" in 4 model calls; branches: [1] ") && $0.contains(", [2] ") })

        let unpriced = ResearchCommand(question: "q", provider: "offline", databasePath: path, budget: ResearchBudget(usd: 0.1))
        await #expect { try await unpriced.run(environment: environment, write: { _ in }, progress: { _ in }) } throws: { error in
            error is UsageError && "\(error)".contains("a dollar budget needs prices for offline")
        }
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

    @Test("an empty question is refused before anything runs or is saved", arguments: ["", "   ", "\n\t"])
    func emptyQuestionIsAnError(_ question: String) async throws {
        let path = temporaryDatabase()
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        await #expect(throws: EmptyQuestionError.self) {
            try await ResearchCommand(question: question, provider: "offline", databasePath: path)
                .run(environment: environment, write: { _ in }, progress: { _ in })
        }
        #expect(!FileManager.default.fileExists(atPath: path), "nothing was saved")
    }

    @Test func theExecutableExitsOneOnAnEmptyQuestion() async throws {
        let dir = NSTemporaryDirectory() + "chorus-research-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (status, out, err) = try await BuiltExecutable.run("chorus", ["research", "", "--provider", "offline", "--db", dir + "/db.sqlite"])
        #expect(status == 1)
        #expect(out.isEmpty)
        #expect(err.contains("question is empty"))
    }

    @Test func aProviderRetryIsAnEventInJSONLAndALineInTextMode() async throws {
        let server = try await LoopbackHTTPServer()
        defer { Task { await server.shutdown() } }
        let plan = #"{"sub_questions": ["first?", "second?"]}"#
        for _ in 0..<2 {
            server.enqueue(LoopbackHTTPServer.error(429, #"{"error":{"message":"warming up"}}"#, headers: [("retry-after", "0")]))
            server.enqueue(LoopbackHTTPServer.sse([OpenAIStreamBytes.chunk(plan)] + OpenAIStreamBytes.end))
        }
        let config = ChorusConfig(providers: ["flaky": .init(kind: .openai, baseURL: server.baseURL + "/v1", model: "m", apiKeyEnv: nil)],
                                  research: .init(branches: 2, planner: "flaky", researcher: "offline", synthesizer: "offline"))
        let path = temporaryDatabase()
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        let output = Output()
        try await ResearchCommand(question: "q", jsonl: true, databasePath: path, config: config)
            .run(environment: environment, write: { t in output.out.withLock { $0 += t } }, progress: { _ in })
        let lines = try output.out.withLock { $0 }.split(separator: "\n").map { try JSON.parse(String($0)) }
        let retries = lines.filter { $0["event"] == "retry" }
        #expect(retries.count == 1)
        #expect(retries.first?["attempt"] == 2)
        #expect(retries.first?["delay"]?.doubleValue == 0)
        #expect(retries.first?["node"] == "planner")
        #expect(retries.first?["message"]?.stringValue?.contains("warming up") == true)
        #expect(lines.last?["findings"]?.arrayValue?.count == 2)

        try await ResearchCommand(question: "q", databasePath: path, config: config)
            .run(environment: environment, write: { _ in }, progress: { line in output.err.withLock { $0.append(line) } })
        #expect(output.err.withLock { $0 }.contains { $0.hasPrefix("planner: ") && $0.contains("retrying in 0.0s (attempt 2 of 4)") })
    }
}
