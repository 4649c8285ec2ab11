import ChorusAgents
import ChorusGraph
import ChorusModels
import Testing

@Suite struct ChatGraphTests {
    @Test func theChatGraphStreamsTokensIntoMessagesModeAndKeepsTheReply() async throws {
        let graph = try ChatGraph.make(model: OfflineChatModel(tokensPerSecond: 0), checkpointer: InMemoryCheckpointer())
        var streamed = ""
        var lastMarks = 0
        let input = ChatGraph.State.input(ChatMessage(role: .user, content: "ping", id: "u1"))
        for try await part in graph.graph.stream(.state(input), modes: [.messages]) {
            if case .message(.chunk(_, let content, let isLast, _), let meta) = part.payload {
                streamed += content
                if isLast { lastMarks += 1 }
                #expect(meta.node == ChatGraph.model.rawValue)
            }
        }
        #expect(lastMarks == 1)
        let messages = try await graph.state(config: RunConfig()).messages
        #expect(messages.map(\.role) == [.user, .assistant])
        #expect(messages.last?.content == streamed)
        #expect(streamed.contains("“ping”"))
    }
}
