import ChorusAgents
import ChorusGraph
import ChorusModels
import ChorusRuns
import ChorusSupport
import ChorusTesting
import Foundation
import Testing

/// A research run under a budget, its researchers on the scripted loopback
/// provider (OpenAI's wire format, replies streamed slowly): once the budget
/// is reached no call starts, running branches stop with what they had, and
/// the synthesizer still answers from it.
@Suite(.timeLimit(.minutes(1))) struct ResearchBudgetTests {
    static let planner = ClosureModel { _ in #"{"sub_questions": ["tides", "moon", "sun", "wind"]}"# }
    /// Answers with the prompt it was given, so the test sees what the synthesizer was told.
    static let synthesizer = ClosureModel { $0.lastUserText }

    /// A reply of `words` words, one SSE event each, `pause` ms apart; the provider counts 7 prompt and 2 reply tokens.
    static func slowReply(words: Int, pause: Int) -> [LoopbackHTTPServer.Step] {
        var steps: [LoopbackHTTPServer.Step] = [.head(status: 200, headers: [("content-type", "text/event-stream")])]
        for i in 0..<words {
            steps += [.body(OpenAIStreamBytes.chunk("w\(i) ")), .pause(milliseconds: pause)]
        }
        return steps + OpenAIStreamBytes.end.map { .body($0) }
    }

    func run(budget: ResearchBudget, words: Int, pause: Int) async throws
        -> (server: LoopbackHTTPServer, updates: [RunUpdate], findings: [ResearchFinding], answer: String?) {
        let server = try await LoopbackHTTPServer()
        for _ in 0..<4 { server.enqueue(Self.slowReply(words: words, pause: pause)) }
        let researcher = Providers.openAI(baseURL: server.baseURL + "/v1", model: "scripted", apiKey: nil)
        let graph = try ResearchGraph.make(planner: Self.planner, researcher: researcher, synthesizer: Self.synthesizer, branches: 4,
                                           checkpointer: nil, budget: BudgetMeter(budget))
        var decoder = EngineRunDecoder()
        var updates: [RunUpdate] = []
        for try await event in graph.events(.state(ResearchGraph.State.input(question: "How do tides work?")),
                                                  config: RunConfig(maxConcurrency: 2)) {
            updates += decoder.decode(event)
        }
        guard case .finished(let state)? = updates.last else { Issue.record("the run did not finish: \(updates.last.map { "\($0)" } ?? "")"); return (server, updates, [], nil) }
        let view = StateView<ResearchGraph.State>(state)
        return (server, updates, try view.findings, try view.answer)
    }

    static func budgetReport(_ updates: [RunUpdate]) -> ResearchProgress.Budget? {
        updates.lazy.compactMap { update -> ResearchProgress.Budget? in
            guard case .custom(_, _, let data) = update, case .budget(let budget)? = try? ResearchProgress(stateValue: data) else { return nil }
            return budget
        }.first
    }

    @Test func aReachedBudgetStopsRunningBranchesStartsNoMoreAndStillAnswers() async throws {
        let (server, updates, findings, answer) = try await run(budget: ResearchBudget(tokens: 100), words: 200, pause: 5)
        defer { Task { await server.shutdown() } }
        // Two branches ran (K = 2) and were cut; the other two never reached the provider.
        #expect(server.requests.count == 2)
        #expect(findings.count == 4)
        #expect(findings.allSatisfy { $0.status == .stopped })
        let cut = findings.filter { !$0.text.isEmpty }
        #expect(cut.count == 2)
        #expect(cut.allSatisfy { $0.text.hasPrefix("w0 w1 ") && !$0.text.contains("w199") })
        let report = try #require(Self.budgetReport(updates))
        #expect(report.reached && report.maxTokens == 100 && report.tokens >= 100)
        // The synthesizer was given what was found, and the graph says what the budget cut.
        let said = try #require(answer)
        #expect(said.contains("(cut short by the budget)\nw0 w1 "))
        #expect(said.contains("The budget ran out before these were researched: "))
        #expect(said.contains("Cut short by the budget: [1] tides; [2] moon; [3] sun; [4] wind"))
        let stopped = updates.compactMap { update -> Int? in
            guard case .custom(_, _, let data) = update, case .branch(let b)? = try? ResearchProgress(stateValue: data), b.status == .stopped else { return nil }
            return b.index
        }
        #expect(Set(stopped) == [1, 2, 3, 4])
    }

    @Test func aBudgetNotReachedChangesNothingButItsReport() async throws {
        let (server, updates, findings, answer) = try await run(budget: ResearchBudget(tokens: 100_000), words: 5, pause: 0)
        defer { Task { await server.shutdown() } }
        #expect(server.requests.count == 4)
        #expect(findings.allSatisfy { $0.status == .done && $0.text == "w0 w1 w2 w3 w4 " })
        let report = try #require(Self.budgetReport(updates))
        // What the provider counted replaced the estimates: 4 x (7 + 2), and the planner's 1 + 1.
        #expect(!report.reached && report.tokens == 4 * 9 + 2, "\(report)")
        #expect(answer?.contains("budget") == false)
    }

    @Test func aDollarBudgetCountsThePricedCost() async throws {
        let server = try await LoopbackHTTPServer()
        defer { Task { await server.shutdown() } }
        for _ in 0..<4 { server.enqueue(Self.slowReply(words: 200, pause: 5)) }
        var researcher = Providers.openAI(baseURL: server.baseURL + "/v1", model: "scripted", apiKey: nil)
        researcher.settings.prices = ModelPrices(input: 1_000, output: 1_000)  // $0.001 a token
        let meter = BudgetMeter(ResearchBudget(usd: 0.05))
        let graph = try ResearchGraph.make(planner: Self.planner, researcher: researcher, synthesizer: Self.synthesizer, branches: 4,
                                           checkpointer: nil, budget: meter)
        _ = try await graph.invoke(.state(ResearchGraph.State.input(question: "q")), config: RunConfig(maxConcurrency: 2))
        #expect(meter.isReached)
        #expect(meter.spent.usd >= 0.05 && meter.spent.usd < 0.2)
        #expect(server.requests.count == 2)
    }

    /// A plan whose provider counts it at 500 tokens, when it has streamed far fewer.
    struct CostlyPlanner: ChatModel {
        var displayName: String { "costly" }
        func stream(_ request: ChatRequest) -> ChatStream {
            let (stream, continuation) = ChatStream.makeStream()
            continuation.yield(contentsOf: [.text(#"{"sub_questions": ["tides", "moon", "sun", "wind"]}"#),
                                            .usage(Usage(inputTokens: 450, outputTokens: 50)), .finish(.stop)])
            continuation.finish()
            return stream
        }
    }

    @Test func aCallWhoseOwnLastCountReachesTheBudgetIsDoneNotStopped() async throws {
        let server = try await LoopbackHTTPServer()
        defer { Task { await server.shutdown() } }
        let researcher = Providers.openAI(baseURL: server.baseURL + "/v1", model: "scripted", apiKey: nil)
        let graph = try ResearchGraph.make(planner: CostlyPlanner(), researcher: researcher, synthesizer: Self.synthesizer, branches: 4,
                                           checkpointer: nil, budget: BudgetMeter(ResearchBudget(tokens: 100)))
        var decoder = EngineRunDecoder()
        var updates: [RunUpdate] = []
        do {
            for try await event in graph.events(.state(ResearchGraph.State.input(question: "q")), config: RunConfig(maxConcurrency: 2)) {
                updates += decoder.decode(event)
            }
        } catch {}
        // The plan was made (its call finished), then no branch could start: nothing reached the provider.
        let planned = updates.contains { update in
            guard case .custom(_, _, let data) = update, case .plan? = try? ResearchProgress(stateValue: data) else { return false }
            return true
        }
        #expect(planned)
        #expect(server.requests.isEmpty)
        #expect(updates.last == .failed(ResearchError.budgetReachedBeforeFindings.description))
    }
}
