import ChorusGraph

/// An assistant a LangGraph server offers (`POST /assistants/search`): a graph with its configuration.
public struct RemoteAssistant: Sendable, Equatable {
    public var id: String
    /// The graph it runs (`graph_id`); runs may name the assistant by it.
    public var graphId: String
    public var name: String

    public init(id: String, graphId: String, name: String) {
        self.id = id
        self.graphId = graphId
        self.name = name
    }

    init(wire: Value) throws {
        guard let id = wire["assistant_id"]?.stringValue, let graph = wire["graph_id"]?.stringValue else {
            throw RemoteError.malformed("an assistant without assistant_id or graph_id")
        }
        self.init(id: id, graphId: graph, name: wire["name"]?.stringValue ?? graph)
    }
}
