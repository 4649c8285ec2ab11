import ChorusGraph
import ChorusModels
import Testing

/// A stopped reply's status survives both forms a message is kept in: the
/// engine's (a top-level `status`) and a LangChain server's (in `response_metadata`).
@Suite struct ChatMessageStatusTests {
    @Test(arguments: [ReplyStatus.cancelled, .failed("the model went away"), .complete])
    func theStatusReadsBackFromEitherForm(status: ReplyStatus) throws {
        let message = ChatMessage(role: .assistant, content: "Hel", id: "m1", status: status)
        #expect(ChatMessage(value: message.value)?.status == status)
        let langChain = message.langChainValue
        #expect(langChain["status"] == nil && langChain["error"] == nil, "LangChain would drop them")
        #expect(ChatMessage(value: langChain)?.status == status)
    }
}
