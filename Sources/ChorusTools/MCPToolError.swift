/// Why an MCP tool call failed, in words for both the model (as the tool's
/// result) and the user (as a note).
public struct MCPToolError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// The server could not be started or did not answer `initialize`.
        case startFailed
        /// The server process ended (before or during the call).
        case serverExited
        /// The call took longer than the server's `timeout`.
        case timedOut
        /// The server answered with a JSON-RPC error, or the tool reported an error.
        case failed
        /// The server crashed recently and waits before its next start.
        case backingOff
    }

    public let kind: Kind
    public let server: String
    public let message: String

    public init(_ kind: Kind, server: String, _ message: String) {
        self.kind = kind
        self.server = server
        self.message = message
    }

    public var description: String { "MCP server '\(server)': \(message)" }
}
