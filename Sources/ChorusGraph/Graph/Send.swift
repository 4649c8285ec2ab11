/// Runs `node` once in the next superstep with `arg` as its input instead of
/// the graph state: the map half of map-reduce fan-out.
public struct Send: Sendable, Hashable {
    public let node: String
    public let arg: Value

    public init(_ node: String, _ arg: Value) {
        self.node = node
        self.arg = arg
    }

    /// How a pending `Send` is kept in the task topic and in checkpoints: `[node, arg]`.
    var packet: Value { .array([.string(node), arg]) }

    init?(packet: Value) {
        guard case .array(let parts) = packet, parts.count == 2, case .string(let node) = parts[0] else { return nil }
        self.init(node, parts[1])
    }
}

/// Where a conditional edge or a `Command` sends control: a node (or `END`), or a `Send`.
public enum Route: Sendable, Hashable {
    case node(String)
    case send(Send)

    /// The finish marker, `.node(END)`.
    public static let end = Route.node(END)
}

extension Route: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) { self = .node(value) }
}
