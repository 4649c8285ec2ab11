import ChorusGraph
@testable import ChorusModels
import Testing

@Suite struct OfflineModelTests {
    @Test func theReplyQuotesTheLastUserMessageVerbatimAndFinishes() async throws {
        let model = OfflineChatModel(tokensPerSecond: 0)
        let question = "Why is the sky blue?  (two spaces) «ünïcödé» 🌈"
        let reply = try await model.invoke(ChatRequest(messages: [
            ChatMessage(role: .user, content: "earlier", id: "1"), ChatMessage(role: .assistant, content: "ok", id: "2"),
            ChatMessage(role: .user, content: question, id: "3"),
        ]))
        #expect(reply.text.contains("“\(question)”"))
        #expect(!reply.text.contains("earlier"))
        #expect(reply.finishReason == .stop)
        #expect((80...140).contains(reply.usage?.outputTokens ?? 0))
        let again = try await model.invoke(ChatRequest(messages: [ChatMessage(role: .user, content: question, id: "x")]))
        #expect(again.text == reply.text)
    }

    @Test func tokensConcatenateToTheReply() {
        let text = OfflineChatModel.reply(to: [ChatMessage(role: .user, content: " lead  and trail ", id: "u")])
        #expect(OfflineChatModel.tokens(text).joined() == text)
    }

    @Test func maxTokensCutsTheReplyWithReasonLength() async throws {
        let reply = try await OfflineChatModel(tokensPerSecond: 0).invoke(ChatRequest(messages: [ChatMessage(role: .user, content: "hi", id: "u")], maxTokens: 5))
        #expect(OfflineChatModel.tokens(reply.text).count == 5)
        #expect(reply.finishReason == .length)
    }

    @Test func paceComesFromTheEnvironment() {
        #expect(OfflineChatModel.fromEnvironment(["CHORUS_OFFLINE_TOKENS_PER_SECOND": "0"]).tokensPerSecond == 0)
        #expect(OfflineChatModel.fromEnvironment([:]).tokensPerSecond == 50)
    }
}

@Suite struct StructuredOutputTests {
    static let listSchema: Value = [
        "type": "object", "required": ["sub_questions"],
        "properties": ["sub_questions": ["type": "array", "items": ["type": "string"], "minItems": 5, "maxItems": 5],
                       "confidence": ["type": "number", "minimum": 0.5], "kind": ["enum": ["survey", "deep"]]],
    ]

    @Test func offlineJSONFollowsTheSchemaAndDerivesFromTheQuestion() async throws {
        let request = ChatRequest(messages: [ChatMessage(role: .user, content: "Why do cats purr?", id: "u")],
                                  responseFormat: ResponseFormat(name: "plan", schema: Self.listSchema))
        let reply = try await OfflineChatModel(tokensPerSecond: 0).invoke(request)
        let value = try JSON.parse(reply.text)
        let items = try #require(value["sub_questions"]?.arrayValue).compactMap(\.stringValue)
        #expect(items.count == 5)
        #expect(Set(items).count == 5)
        #expect(items.allSatisfy { $0.hasSuffix("Why do cats purr?") })
        #expect(value["confidence"] == 0.5)
        #expect(value["kind"] == "survey")
        #expect(reply.finishReason == .stop)
        // Streamed in several tokens, and the same every time.
        #expect(OfflineChatModel.tokens(reply.text).count > 5)
        #expect(try await OfflineChatModel(tokensPerSecond: 0).invoke(request).text == reply.text)
    }

    @Test(arguments: [0, 2, 7])
    func arraysRespectMinAndMaxItems(n: Int) {
        let schema: Value = ["type": "array", "items": ["type": "string"], "minItems": .int(n), "maxItems": .int(n)]
        #expect(SchemaFiller.fill(schema, from: "q").arrayValue?.count == n)
    }
}

@Suite struct OfflineTokenCountTests {
    @Test(arguments: ["", "one", "two words", "  leading", "trailing  ", "a\nb\tc\r\nd", "many   spaces  here ", "漢字 テスト"])
    func countMatchesTheTokens(text: String) {
        #expect(OfflineChatModel.tokenCount(text) == OfflineChatModel.tokens(text).count)
    }
}
