import ChorusGraph
import Hummingbird

/// `/ok` and `/info`.
enum SystemRoutes {
    static func add(to router: APIRouter) {
        router.get("/ok") { _, _ in
            WireJSON.response(.object(["ok": true, "services": .object([:])]))
        }
        router.get("/info") { _, _ in
            WireJSON.response(.object([
                "version": .string(ChorusServer.version), "server": "chorus", "langgraph_py_version": "1.2.22",
                "flags": .object(["assistants": true, "crons": false, "langsmith": false, "langsmith_tracing_replicas": false]),
                "host": .object(["kind": "self-hosted", "project_id": .null, "revision_id": .null, "tenant_id": .null]),
            ]))
        }
    }
}
