@testable import ChorusAgents
import ChorusGraph
import ChorusModels
import ChorusSupport
import Foundation
import Testing

/// The synthesizer on a model whose window cannot take every finding whole:
/// each finding is shortened to its share, and a provider that still says
/// "too long" gets one more try with half the room.
@Suite(.timeLimit(.minutes(1))) struct ResearchSmallWindowTests {
    /// Echoes the synthesizer's prompt; refuses prompts over `limit` bytes as a provider would.
    struct SmallModel: ChatModel {
        var window: Int?
        var limit: Int
        let prompts = Locked<[String]>([])
        var displayName: String { "small" }
        var settings: ModelSettings { ModelSettings(contextWindow: window) }

        func stream(_ request: ChatRequest) -> ChatStream {
            let (stream, continuation) = ChatStream.makeStream()
            let prompt = request.messages.map(\.content).joined(separator: "\n")
            prompts.withLock { $0.append(prompt) }
            if prompt.utf8.count > limit {
                continuation.finish(throwing: ChatProviderError.contextOverflow(provider: "small", message: "too long"))
            } else {
                continuation.yield(contentsOf: [.text(request.messages.last?.content ?? ""), .finish(.stop)])
                continuation.finish()
            }
            return stream
        }
    }

    static let researcher = ClosureModel { request in
        (0..<400).map { "fact\($0) about \(request.lastUserText)" }.joined(separator: " ")
    }

    func answer(synthesizer: SmallModel) async throws -> String {
        let planner = ClosureModel { _ in #"{"sub_questions": ["tides", "moon", "sun"]}"# }
        let graph = try ResearchGraph.make(planner: planner, researcher: Self.researcher, synthesizer: synthesizer, branches: 3, checkpointer: nil)
        let result = try await graph.invoke(.state(ResearchGraph.State.input(question: "How do tides work?")))
        return try #require(try result.state.answer)
    }

    @Test func findingsAreShortenedToTheirShareOfTheWindow() async throws {
        let model = SmallModel(window: 1_024, limit: .max)
        let answer = try await answer(synthesizer: model)
        #expect(model.prompts.withLock { $0.count } == 1)
        // Every branch is there, each cut and marked, and the prompt leaves the reply its room.
        for index in 1...3 { #expect(answer.contains("[\(index)] ")) }
        #expect(answer.components(separatedBy: "… (shortened to fit the model's context window)").count == 4)
        #expect(TokenEstimate.of([ChatMessage(role: .user, content: answer, id: "a")]) < 1_024 - 256)
    }

    @Test func aProviderThatStillSaysTooLongGetsHalfTheRoomOnce() async throws {
        // No window known: the first prompt is whole and refused; the second is cut to half of it and goes.
        let model = SmallModel(window: nil, limit: 15_000)
        let answer = try await answer(synthesizer: model)
        let sizes = model.prompts.withLock { $0.map(\.utf8.count) }
        #expect(sizes.count == 2 && sizes[0] > 15_000 && sizes[1] <= 15_000)
        #expect(answer.contains("shortened to fit"))
    }
}

/// Cutting findings: only when they do not fit, short ones whole, never inside a character.
@Suite struct FindingsFitTests {
    func finding(_ index: Int, _ text: String) -> ResearchFinding {
        ResearchFinding(index: index, subQuestion: "q\(index)", status: .done, text: text)
    }

    @Test func findingsThatFitAreLeftWholeAndShortOnesKeepAll() {
        let short = finding(1, "brief"), long = finding(2, String(repeating: "word ", count: 400))
        #expect(FindingsFit.fit([short, long], into: 1_000).shortened == false)
        let (fitted, shortened) = FindingsFit.fit([short, long], into: 100)
        #expect(shortened && fitted[0] == short)
        #expect(fitted[1].text.hasSuffix("word … (shortened to fit the model's context window)"))
        #expect(fitted[1].text.utf8.count < 300 + 60)
    }

    @Test(arguments: ["漢字かな交じり文", "🙂👍🏽🇳🇴", "https://example.com/" + String(repeating: "x", count: 500)])
    func textWithoutSpacesIsCutAtACharacterNotEmptied(_ unit: String) {
        let text = String(repeating: unit, count: 200)
        let (fitted, _) = FindingsFit.fit([finding(1, text), finding(2, text)], into: 40)
        for f in fitted {
            let kept = f.text.replacingOccurrences(of: " … (shortened to fit the model's context window)", with: "")
            #expect(!kept.isEmpty && text.hasPrefix(kept))
        }
    }
}

/// A research branch whose tool results outgrow its model's window: each
/// round's request is compacted to fit, and the branch still answers.
@Suite(.timeLimit(.minutes(1))) struct ToolRoundsOnASmallWindowTests {
    /// Calls `lookup` three times, then answers; records every request's size.
    struct ToolUser: ChatModel {
        let sizes = Locked<[Int]>([])
        var displayName: String { "tool-user" }
        var settings: ModelSettings { ModelSettings(contextWindow: 600, compaction: .trim) }

        func stream(_ request: ChatRequest) -> ChatStream {
            let (stream, continuation) = ChatStream.makeStream()
            let round = request.messages.filter { $0.role == .tool }.count
            sizes.withLock { $0.append(TokenEstimate.of(request.messages)) }
            if request.tools.isEmpty || round >= 3 {
                continuation.yield(contentsOf: [.text("the answer after \(round) lookups in view"), .finish(.stop)])
            } else {
                continuation.yield(contentsOf: [.toolCall(ToolCall(id: "c\(sizes.withLock(\.count))", name: "lookup", arguments: [:])),
                                                .finish(.toolCalls)])
            }
            continuation.finish()
            return stream
        }
    }

    @Test func eachRoundIsSentWithinTheWindow() async throws {
        let model = ToolUser()
        let lookup = AgentTool(name: "lookup", description: "looks up", parameters: ["type": "object"]) { _ in
            String(repeating: "a long tool result ", count: 60)  // about 285 tokens a call
        }
        let planner = ClosureModel { _ in #"{"sub_questions": ["tides"]}"# }
        let graph = try ResearchGraph.make(planner: planner, researcher: model, synthesizer: ClosureModel { $0.lastUserText }, branches: 1,
                                           checkpointer: nil, tools: [lookup], maxToolRounds: 6)
        let result = try await graph.invoke(.state(ResearchGraph.State.input(question: "q")))
        let finding = try #require(try result.state.findings.first)
        #expect(finding.status == .done, "\(finding.error ?? "")")
        let sizes = model.sizes.withLock { $0 }
        #expect(sizes.count >= 4)
        // Three results of ~285 tokens would be ~900: every request stayed under 600 less the reply's room.
        #expect(sizes.allSatisfy { $0 <= 600 - ContextCompactor.replyRoom(maxTokens: nil, window: 600) }, "\(sizes)")
    }
}
