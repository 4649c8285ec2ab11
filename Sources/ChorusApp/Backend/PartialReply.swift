import ChorusModels
import ChorusRuns
import Foundation

/// What arrived of a run's reply, for the backend to keep in the thread when
/// the run is cancelled or fails: the reply tokens of the message streaming
/// last, and the node that wrote them.
struct PartialReply {
    private(set) var text = ""
    private(set) var messageId = ""
    private(set) var node: String?

    /// Takes in a reply token (any other update is left out).
    mutating func add(_ update: RunUpdate) {
        guard case .token(let token) = update, token.part == .reply else { return }
        if !token.messageId.isEmpty, token.messageId != messageId { (messageId, text) = (token.messageId, "") }
        text += token.text
        if !token.node.isEmpty { node = token.node }
    }

    /// The message to keep, marked `status`; nil when nothing arrived.
    func message(_ status: ReplyStatus) -> ChatMessage? {
        guard !text.isEmpty else { return nil }
        return ChatMessage(role: .assistant, content: text, id: messageId.isEmpty ? "cancelled-" + UUID().uuidString.lowercased() : messageId,
                           status: status)
    }
}
