/// A node's name as a type, so a graph spells each name once:
/// `extension NodeName { static let planner: NodeName = "planner" }`.
public struct NodeName: Hashable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
    public let rawValue: String

    @inlinable public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { rawValue = value }

    /// Where every run enters (`START`).
    public static let start = NodeName(START)
    /// Where a route finishes (`END`).
    public static let end = NodeName(END)

    public var description: String { rawValue }
}

extension Route {
    /// Control goes to `node` (or `.end`).
    @inlinable public static func to(_ node: NodeName) -> Route { .node(node.rawValue) }

    /// Runs `node` once with `payload` as its input (a typed `Send`).
    @inlinable public static func send<Payload: StateValue>(_ node: NodeName, _ payload: Payload) -> Route {
        .send(Send(node.rawValue, payload.stateValue))
    }
}
