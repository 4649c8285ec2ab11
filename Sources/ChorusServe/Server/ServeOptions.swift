import ChorusAgents
import Foundation
import ChorusModels

/// How `chorus serve` was asked to run.
public struct ServeOptions: Sendable {
    public var host: String
    /// 0 picks a free port (the one chosen is reported through `onListening`).
    public var port: Int
    /// The SQLite database (one instance), unless `postgres` is set.
    public var databasePath: String
    /// Several instances on one PostgreSQL database (`--database postgres://…`).
    public var postgres: ClusterOptions?
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

/// How an instance shares a PostgreSQL database with others.
public struct ClusterOptions: Sendable {
    public var url: String
    /// How long a run stays with an instance that stopped renewing its lease
    /// (died, or lost the database) before another instance takes it over.
    public var lease: Duration
    /// Runs this instance runs at once, at most; the rest wait for any instance.
    public var maxRuns: Int
    /// Connections this instance opens to the database, at most.
    public var maxConnections: Int
    /// This instance's name in the runs table (host, process and a random part by default).
    public var instance: String

    public init(url: String, lease: Duration = .seconds(10), maxRuns: Int = 1000, maxConnections: Int = 20,
                instance: String = ClusterOptions.defaultInstanceName()) {
        self.url = url
        self.lease = lease
        self.maxRuns = maxRuns
        self.maxConnections = maxConnections
        self.instance = instance
    }

    public static func defaultInstanceName() -> String {
        "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8).lowercased())"
    }
}

/// `chorus serve` refused to start; the message says why.
public struct ServeError: Error, CustomStringConvertible, Sendable {
    public let description: String
}
