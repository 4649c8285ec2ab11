import ChorusGraph

/// One server-sent event of a run stream: `metadata`, `messages|ns`, `updates`, `values`, `custom`, `error`, ….
public struct RunStreamPart: Sendable, Equatable {
    /// The stream mode (`messages`, `updates`, …) without the namespace.
    public var mode: String
    /// `[]` at the root graph; `["node:task", …]` inside a subgraph (from `mode|ns` event names).
    public var namespace: [String]
    public var data: Value
    /// The event's id when the stream is resumable (`Last-Event-ID` to re-join after it).
    public var id: String?

    public init(mode: String, namespace: [String] = [], data: Value, id: String? = nil) {
        self.mode = mode
        self.namespace = namespace
        self.data = data
        self.id = id
    }

    /// Splits an event name such as `messages|worker:1b2c` into mode and namespace.
    public init(event: String, data: Value, id: String?) {
        let pieces = event.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        self.init(mode: pieces[0], namespace: Array(pieces.dropFirst()), data: data, id: id)
    }
}
