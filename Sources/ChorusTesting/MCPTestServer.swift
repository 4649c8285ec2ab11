import Foundation

/// The real MCP servers of the tests: `scripts/mcp/mcp-venv.sh` makes a
/// venv holding the Python MCP SDK, `mcp-server-time` and `mcp-server-git`;
/// `scripts/test.sh` exports its python as `CHORUS_MCP_PYTHON`. Our own
/// misbehaving server is `Tests/Fixtures/mcp/test_server.py`.
public enum MCPTestServer {
    /// The venv's python, or nil when the servers are not installed (tests are then skipped).
    public static let python = ProcessInfo.processInfo.environment["CHORUS_MCP_PYTHON"].flatMap { $0.isEmpty ? nil : $0 }
    public static var available: Bool { python != nil }

    /// A config.toml whose default provider is the OpenAI-compatible server at
    /// `llm` (a base URL without `/v1`) and whose one MCP server, `test`, is
    /// the test server writing notes to `notes`.
    public static func config(llm: String, notes: String) -> String {
        """
        default_provider = "loop"
        [providers.loop]
        kind = "openai"
        base_url = "\(llm)/v1"
        model = "m"
        [mcp.test]
        command = "\(python ?? "python3")"
        args = ["\(script)"]
        env = { NOTES_FILE = "\(notes)" }
        """
    }

    /// `Tests/Fixtures/mcp/test_server.py`.
    public static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Tests/Fixtures/mcp/test_server.py").path
}
