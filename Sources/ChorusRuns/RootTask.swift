/// A task of the root graph, as a checkpoint namespace names it (`node:id`):
/// the task every token, tool call and custom value of a run belongs to.
public struct RootTask: Hashable, Sendable {
    public var node: String
    public var id: String

    public init(node: String, id: String) {
        self.node = node
        self.id = id
    }

    /// From a namespace segment, `node:id` (a segment without `:` is a node with no id).
    public init(segment: some StringProtocol) {
        guard let colon = segment.firstIndex(of: ":") else {
            self.init(node: String(segment), id: "")
            return
        }
        self.init(node: String(segment[..<colon]), id: String(segment[segment.index(after: colon)...]))
    }
}
