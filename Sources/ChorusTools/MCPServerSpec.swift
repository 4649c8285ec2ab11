/// One MCP server as `config.toml` declares it (`[mcp.NAME]`): how to reach
/// it, how long a call may take, and which of its tools run without asking.
public struct MCPServerSpec: Sendable, Equatable {
    /// How the server is reached.
    public enum Endpoint: Sendable, Equatable {
        /// A process started by Chorus, speaking JSON-RPC on its standard input and output.
        case stdio(command: String, arguments: [String], environment: [String: String])
        /// A server reached over streamable HTTP at `url`, with `headers` on every
        /// request, and headers whose values are read from environment variables
        /// when the server starts (header name → variable name), for secrets.
        case http(url: String, headers: [String: String], headerEnvironment: [String: String])
    }

    /// Which tools run without asking the user first.
    public enum Trust: Sendable, Equatable {
        /// Tools the server marks read-only (`readOnlyHint`), and the named ones.
        case readOnly(alsoTrusted: Set<String>)
        /// Every tool of the server (`trust = "all"`).
        case all
    }

    public var name: String
    public var endpoint: Endpoint
    /// Seconds one tool call may take before it fails with a timeout.
    public var callTimeout: Double
    /// Seconds the server may take to start and answer `initialize`.
    public var startTimeout: Double
    public var trust: Trust
    /// False for servers declared but switched off (`enabled = false`).
    public var enabled: Bool

    public init(name: String, endpoint: Endpoint, callTimeout: Double = 60, startTimeout: Double = 20,
                trust: Trust = .readOnly(alsoTrusted: []), enabled: Bool = true) {
        self.name = name
        self.endpoint = endpoint
        self.callTimeout = callTimeout
        self.startTimeout = startTimeout
        self.trust = trust
        self.enabled = enabled
    }

    /// Whether a call of `tool` (read-only per its server when `readOnly`) needs the user's approval.
    public func needsApproval(tool: String, readOnly: Bool) -> Bool {
        switch trust {
        case .all: return false
        case .readOnly(let trusted): return !readOnly && !trusted.contains(tool)
        }
    }
}
