import ChorusAgents
import ChorusGraph
import ChorusModels
import Testing

@Suite struct ChatGraphTests {
    @Test func theChatGraphStreamsTokensIntoMessagesModeAndKeepsTheReply() async throws {
        let graph = try ChatGraph.make(model: OfflineChatModel(tokensPerSecond: 0), checkpointer: InMemoryCheckpointer())
        var streamed = ""
        var lastMarks = 0
        for try await part in graph.stream(.state(["messages": [["role": "user", "content": "ping", "id": "u1"]]]), modes: [.messages]) {
            if case .message(.chunk(_, let content, let isLast), let meta) = part.payload {
                streamed += content
                if isLast { lastMarks += 1 }
                #expect(meta.node == "model")
            }
        }
        #expect(lastMarks == 1)
        let state = try await graph.getState()
        let messages = state.values["messages"]?.arrayValue ?? []
        #expect(messages.count == 2)
        #expect(messages.last?["content"]?.stringValue == streamed)
        #expect(streamed.contains("“ping”"))
    }
}
