/// One Server-Sent Event (WHATWG HTML §9.2).
public struct SSEEvent: Sendable, Equatable {
    /// The `event:` field, `message` when absent.
    public var type: String
    /// The `data:` lines joined with newlines.
    public var data: String
    /// The last event id seen on the stream (it persists across events).
    public var lastEventId: String
    /// A reconnection time the server asked for, in milliseconds.
    public var retry: Int?

    public init(type: String = "message", data: String, lastEventId: String = "", retry: Int? = nil) {
        self.type = type
        self.data = data
        self.lastEventId = lastEventId
        self.retry = retry
    }
}
