import ChorusGraph
import Hummingbird

/// The assistants: one per served graph, read-only.
enum AssistantRoutes {
    static func add(to router: APIRouter, state: ServerState) {
        router.post("/assistants/search") { request, _ in
            let body = try await WireJSON.object(request, limit: state.bodyLimit)
            let limit = try body.int("limit", in: 0...1000) ?? 10
            let offset = try body.int("offset", in: 0...Int.max) ?? 0
            let graphId = try body.string("graph_id")
            let metadata = try body.object("metadata") ?? [:]
            let matching = state.catalog.assistants.filter { assistant in
                (graphId == nil || assistant.graphId == graphId)
                    && metadata.allSatisfy { assistant.json["metadata"]?[$0.key] == $0.value }
            }
            let page = matching.dropFirst(offset).prefix(limit).map(\.json)
            return WireJSON.paginated(Array(page), total: matching.count)
        }
        router.get("/assistants/:assistant_id") { _, context in
            WireJSON.response(try state.catalog.resolve(try context.parameters.require("assistant_id")).json)
        }
        router.get("/assistants/:assistant_id/graph") { _, context in
            WireJSON.response(try state.catalog.resolve(try context.parameters.require("assistant_id")).drawing)
        }
        router.get("/assistants/:assistant_id/subgraphs") { _, context in
            _ = try state.catalog.resolve(try context.parameters.require("assistant_id"))
            return WireJSON.response(.object([:]))
        }
        router.get("/assistants/:assistant_id/schemas") { _, context in
            let id = try context.parameters.require("assistant_id")
            // As the reference: schemas are looked up by assistant id only.
            guard WireID.isUUID(id) else { throw APIError(.unprocessableContent, "Invalid assistant ID: must be a UUID") }
            return WireJSON.response(try state.catalog.resolve(id).schemas)
        }
    }
}
