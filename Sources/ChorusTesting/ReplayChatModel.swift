import ChorusGraph
import ChorusModels
import ChorusSupport

/// A chat model that replays fixed replies, one per call (then "done"), and
/// records the requests it was given.
public final class ReplayChatModel: ChatModel {
    private let replies: Locked<[[ChatChunk]]>
    /// The requests, in the order they came.
    public let asked = Locked<[ChatRequest]>([])
    public var displayName: String { "replay" }

    public init(_ replies: [[ChatChunk]]) { self.replies = Locked(replies) }

    public func stream(_ request: ChatRequest) -> ChatStream {
        asked.withLock { $0.append(request) }
        let reply = replies.withLock { $0.isEmpty ? [.text("done"), .finish(.stop)] : $0.removeFirst() }
        let (stream, continuation) = ChatStream.makeStream()
        for chunk in reply { continuation.yield(chunk) }
        continuation.finish()
        return stream
    }
}
