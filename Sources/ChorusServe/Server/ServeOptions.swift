import ChorusAgents
import ChorusModels

/// How `chorus serve` was asked to run.
public struct ServeOptions: Sendable {
    public var host: String
    /// 0 picks a free port (the one chosen is reported through `onListening`).
    public var port: Int
    public var databasePath: String
    /// The model behind every assistant.
    public var model: any ChatModel
    /// Node tasks running at once across every run on the server; nil: no bound.
    public var maxConcurrency: Int?
    /// `CHORUS_SERVER_API_KEY`: when set, every request needs it in `x-api-key`.
    public var apiKey: String?
    /// Largest request body, in bytes.
    public var bodyLimit: Int
    /// Sub-questions per research run.
    public var researchBranches: Int
    /// On SIGTERM/SIGINT, how long running runs get to finish before they are interrupted.
    public var shutdownGrace: Duration
    /// Tools (of the config's MCP servers) for the `chat` assistant, which is then the ReAct
    /// agent, and for research branches; a tool that can change things asks through an interrupt.
    public var tools: [AgentTool]

    public init(host: String = "127.0.0.1", port: Int = 2024, databasePath: String, model: any ChatModel, maxConcurrency: Int? = nil,
                apiKey: String? = nil, bodyLimit: Int = 10 << 20, researchBranches: Int = 3, shutdownGrace: Duration = .seconds(10),
                tools: [AgentTool] = []) {
        self.tools = tools
        self.host = host
        self.port = port
        self.databasePath = databasePath
        self.model = model
        self.maxConcurrency = maxConcurrency
        self.apiKey = apiKey
        self.bodyLimit = bodyLimit
        self.researchBranches = researchBranches
        self.shutdownGrace = shutdownGrace
    }

    /// Listening beyond this machine needs an API key.
    public var isLoopback: Bool {
        ["127.0.0.1", "::1", "localhost"].contains(host) || host.hasPrefix("127.")
    }
}

/// `chorus serve` refused to start; the message says why.
public struct ServeError: Error, CustomStringConvertible, Sendable {
    public let description: String
}
