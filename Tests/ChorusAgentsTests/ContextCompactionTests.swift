import ChorusAgents
import ChorusGraph
import ChorusModels
import ChorusSupport
import Testing

/// A provider with a small context window and a tokenizer of its own (denser
/// than Chorus's estimate): it refuses a request over its window as llama.cpp
/// does, reports what it counted, and summarizes when asked to.
final class SmallWindowModel: ChatModel, Sendable {
    let window: Int
    let knowsWindow: Bool
    let reply: String
    let requests = Locked<[ChatRequest]>([])
    var displayName: String { "small" }
    let settings: ModelSettings

    init(window: Int, knowsWindow: Bool = true, compaction: CompactionStrategy = .summarize, reply: String = "An answer of a dozen words or so, to fill the window.") {
        self.window = window
        self.knowsWindow = knowsWindow
        self.reply = reply
        settings = ModelSettings(contextWindow: knowsWindow ? window : nil, compaction: compaction)
    }

    /// Three bytes a token and five a message: more than Chorus estimates.
    static func count(_ messages: [ChatMessage]) -> Int {
        messages.reduce(0) { $0 + $1.content.utf8.count / 3 + 5 }
    }

    var chatRequests: [ChatRequest] { requests.withLock { $0 }.filter { !isSummary($0) } }
    var summaryRequests: [ChatRequest] { requests.withLock { $0 }.filter(isSummary) }

    private func isSummary(_ request: ChatRequest) -> Bool {
        request.messages.first?.content.hasPrefix("You keep a running summary") == true
    }

    func stream(_ request: ChatRequest) -> ChatStream {
        requests.withLock { $0.append(request) }
        let (stream, continuation) = ChatStream.makeStream()
        let input = Self.count(request.messages)
        if input + (request.maxTokens ?? 0) > window {
            continuation.finish(throwing: ChatProviderError.contextOverflow(provider: "small", message: "\(input) tokens"))
            return stream
        }
        let text = isSummary(request) ? "Summary \(summaryRequests.count): the user asked numbered questions." : reply
        for token in OfflineChatModel.tokens(text) { continuation.yield(.text(token)) }
        continuation.yield(.usage(Usage(inputTokens: input, outputTokens: 12)))
        continuation.yield(.finish(.stop))
        continuation.finish()
        return stream
    }
}

@Suite struct ContextCompactionTests {
    func chat(_ model: SmallWindowModel, turns: Int, system: String? = nil) async throws -> [ChatMessage] {
        let graph = try ChatGraph.make(model: model, system: system, maxTokens: 64, checkpointer: InMemoryCheckpointer())
        let config = RunConfig(threadId: "t")
        for turn in 1...turns {
            let question = ChatMessage(role: .user, content: "Question number \(turn): what did we say about item \(turn)?", id: "u\(turn)")
            _ = try await graph.graph.invoke(.state(ChatGraph.State.input(question)), config: config)
        }
        return try await graph.state(config: config).messages
    }

    @Test func thirtyTurnsInASmallWindowAllSucceedAndTheThreadKeepsEveryMessage() async throws {
        let model = SmallWindowModel(window: 400)
        let messages = try await chat(model, turns: 30, system: "You are terse.")
        let conversation = messages.filter { $0.compaction == nil }
        #expect(conversation.count == 60)
        #expect(conversation.map(\.id).filter { $0.hasPrefix("u") } == (1...30).map { "u\($0)" })
        let markers = messages.filter { $0.compaction != nil }
        #expect(markers.count >= 2)
        // Every request the provider took fitted its window with the reply's room; none was refused.
        for request in model.chatRequests { #expect(SmallWindowModel.count(request.messages) + 64 <= 400) }
        #expect(model.chatRequests.count == 30)
        // The summary runs on: the last summary call starts from the one before.
        let last = try #require(model.summaryRequests.last)
        #expect(last.messages.last?.content.contains("The summary so far:\nSummary") == true)
        // What is sent is the prompt with the summary, then the recent messages (never the markers).
        let sent = try #require(model.chatRequests.last).messages
        #expect(sent.first?.role == .system)
        #expect(sent.first?.content.hasPrefix("You are terse.\n\nSummary of the conversation so far:\nSummary") == true)
        #expect(sent.dropFirst().allSatisfy { $0.role != .system })
        #expect(sent.last?.id == "u30")
        // Each marker covers everything up to a message of the thread, and later markers cover more.
        let covered = markers.compactMap(\.compaction?.covered)
        #expect(covered == covered.sorted() && Set(covered).count == covered.count)
        for marker in markers { #expect(messages.contains { $0.id == marker.compaction?.through }) }
    }

    @Test func trimmingLeavesOldMessagesOutWithoutAskingTheModel() async throws {
        let model = SmallWindowModel(window: 400, compaction: .trim)
        let messages = try await chat(model, turns: 20)
        #expect(model.summaryRequests.isEmpty)
        let markers = messages.filter { $0.compaction != nil }
        #expect(!markers.isEmpty && markers.allSatisfy { $0.content.isEmpty && $0.compaction?.strategy == .trim })
        #expect(messages.filter { $0.compaction == nil }.count == 40)
        for request in model.chatRequests { #expect(SmallWindowModel.count(request.messages) + 64 <= 400) }
    }

    @Test func aProviderThatSaysTooLongGetsOneCompactedRetry() async throws {
        // The window is unknown to Chorus: only the provider's refusal tells.
        let model = SmallWindowModel(window: 400, knowsWindow: false)
        let messages = try await chat(model, turns: 20)
        #expect(messages.filter { $0.compaction == nil }.count == 40)
        #expect(messages.contains { $0.compaction != nil })
        // Every turn got its answer; refused requests were each followed by a smaller one.
        let chats = model.chatRequests
        let refused = chats.filter { SmallWindowModel.count($0.messages) + 64 > 400 }
        #expect(!refused.isEmpty)
        #expect(chats.count - refused.count == 20)
    }

    @Test func aMessageLargerThanTheWindowIsRefusedWithAClearError() async throws {
        let model = SmallWindowModel(window: 400)
        let graph = try ChatGraph.make(model: model, maxTokens: 64, checkpointer: InMemoryCheckpointer())
        let config = RunConfig(threadId: "t")
        _ = try await graph.graph.invoke(.state(ChatGraph.State.input(ChatMessage(role: .user, content: "hello", id: "u1"))), config: config)
        let huge = ChatMessage(role: .user, content: String(repeating: "word ", count: 2_000), id: "u2")
        await #expect { try await graph.graph.invoke(.state(ChatGraph.State.input(huge)), config: config) } throws: { error in
            "\(error)".contains("over the model's context window of 400")
        }
    }

    @Test func theOfflineModelWithAWindowRefusesWhatDoesNotFitAndTheThreadGoesOn() async throws {
        let model = OfflineChatModel(tokensPerSecond: 0, settings: ModelSettings(contextWindow: 400))
        let graph = try ChatGraph.make(model: model, checkpointer: InMemoryCheckpointer())
        let config = RunConfig(threadId: "t")
        for turn in 1...6 {
            let text = "turn \(turn) of a conversation that soon fills a small window"
            _ = try await graph.graph.invoke(.state(ChatGraph.State.input(ChatMessage(role: .user, content: text, id: "u\(turn)"))), config: config)
        }
        let messages = try await graph.state(config: config).messages
        #expect(messages.filter { $0.compaction == nil }.count == 12)
        #expect(messages.contains { $0.compaction != nil })
    }

    @Test func aCompactionMarkerTravelsThroughEveryCodec() throws {
        let marker = ChatMessage(role: .system, content: "the summary", id: "compaction-1",
                                 compaction: Compaction(through: "m7", covered: 8, strategy: .summarize))
        #expect(ChatMessage(value: marker.value) == marker)
        // A LangChain server keeps it in `response_metadata`.
        #expect(marker.langChainValue["compaction"] == nil)
        #expect(ChatMessage(value: marker.langChainValue) == marker)
    }

    @Test func knownModelNamesHaveTheirDocumentedWindows() {
        #expect(KnownContextWindows.window(for: "gpt-4o-mini-2024-07-18") == 128_000)
        #expect(KnownContextWindows.window(for: "openai/gpt-4.1-nano") == 1_047_576)
        #expect(KnownContextWindows.window(for: "claude-3-5-haiku-latest") == 200_000)
        #expect(KnownContextWindows.window(for: "llama3:8b") == nil, "an open model's server says its window")
        #expect(KnownContextWindows.window(for: "my-own-model") == nil)
    }
}
