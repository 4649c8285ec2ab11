import ChorusGraph
import Foundation

/// A graph served as an assistant: the one LangGraph Platform makes for each
/// graph, with an id derived from the graph's name.
struct Assistant: Sendable {
    let graphId: String
    let assistantId: String
    let description: String
    /// Runs on threads: checkpoints in the database the app also reads.
    let graph: CompiledGraph
    /// Stateless runs (`POST /runs/…`): checkpoints in memory, dropped after the run.
    let statelessGraph: CompiledGraph
    let createdAt: Date

    init(graphId: String, description: String, createdAt: Date, make: (any Checkpointer) throws -> CompiledGraph,
         database: any Checkpointer, scratch: any Checkpointer) rethrows {
        self.graphId = graphId
        assistantId = NameBasedUUID.v5(namespace: NameBasedUUID.assistantNamespace, name: graphId).uuidString.lowercased()
        self.description = description
        graph = try make(database)
        statelessGraph = try make(scratch)
        self.createdAt = createdAt
    }

    /// The assistant object of the API.
    var json: Value {
        let time = Value.string(WireClock.timestamp(createdAt))
        return .object([
            "assistant_id": .string(assistantId), "graph_id": .string(graphId), "name": .string(graphId),
            "description": .string(description), "config": .object([:]), "context": .object([:]),
            "metadata": .object(["created_by": "system"]), "version": 1, "created_at": time, "updated_at": time,
        ])
    }

    /// `{nodes, edges}` as `GET /assistants/{id}/graph` draws it.
    var drawing: Value {
        let names = [START] + graph.nodeNames + [END]
        let nodes: [Value] = names.map { name in
            .object(["id": .string(name), "type": name == START || name == END ? "schema" : "runnable",
                     "data": .string(name)])
        }
        let edges: [Value] = graph.staticEdges.map { .object(["source": .string($0.source), "target": .string($0.target)]) }
        return .object(["nodes": .array(nodes), "edges": .array(edges)])
    }

    /// JSON schemas of the state: every key, any value.
    var schemas: Value {
        let state: Value = .object([
            "title": .string(graphId), "type": "object",
            "properties": .object(Dictionary(uniqueKeysWithValues: graph.stateKeys.map { ($0, Value.object([:])) })),
        ])
        return .object(["graph_id": .string(graphId), "input_schema": state, "output_schema": state, "state_schema": state,
                        "config_schema": .object(["type": "object", "properties": .object([:])]),
                        "context_schema": .null])
    }
}
