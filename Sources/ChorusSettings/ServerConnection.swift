import ChorusRemote

/// The LangGraph server the app and commands work on instead of the local
/// engine: `--server URL` (else `[server] url`), the assistant new threads
/// run (`--assistant`, else `[server] assistant`, else `chat`), and the API
/// key from the environment variable `[server] api_key_env` names (else
/// `LANGGRAPH_API_KEY`), sent as `x-api-key`.
public struct ServerConnection: Sendable {
    public let client: LangGraphClient
    public let assistant: String

    /// Nil when neither the flag nor the config names a server: work locally.
    public static func resolve(url flag: String?, assistant: String?, config: ChorusConfig, environment: [String: String]) throws -> ServerConnection? {
        guard let url = flag ?? config.server.url else {
            if assistant != nil { throw UsageError("--assistant picks a graph on a LangGraph server: give --server URL too") }
            return nil
        }
        let keyVariable = config.server.apiKeyEnv ?? "LANGGRAPH_API_KEY"
        let client: LangGraphClient
        do {
            client = try LangGraphClient(url: url, apiKey: environment[keyVariable], keyVariable: keyVariable)
        } catch {
            throw UsageError("--server: \(error)")
        }
        return ServerConnection(client: client, assistant: assistant ?? config.server.assistant ?? "chat")
    }

    /// Checks that the server answers and has the assistant; returns every assistant's graph name.
    public func check() async throws -> [String] {
        try await client.ok()
        let assistants = try await client.assistants()
        var graphs: [String] = []
        for graph in assistants.map(\.graphId) where !graphs.contains(graph) { graphs.append(graph) }
        graphs.sort()
        guard assistants.contains(where: { $0.graphId == assistant || $0.id == assistant }) else {
            throw RemoteError.notFound("no assistant '\(assistant)' at \(client.baseURL); it has: \(graphs.joined(separator: ", "))")
        }
        return graphs
    }
}
