import ChorusGraph
import ChorusProcess
import ChorusTesting
import ChorusTools
import Foundation
import Testing

/// MCP over streamable HTTP: the same test server run with the Python SDK's
/// streamable HTTP transport (replies as SSE streams) on loopback.
@Suite(.enabled(if: MCPTestServers.available, "needs CHORUS_MCP_PYTHON (scripts/mcp/mcp-venv.sh)"), .timeLimit(.minutes(2)))
struct StreamableHTTPTests {
    /// The test server on HTTP, and its URL once it listens.
    static func serve(requiring header: String? = nil) async throws -> (ChildProcess, String, MCPTestServers.Folder) {
        let folder = MCPTestServers.Folder()
        let portFile = folder.file("port")
        let process = try ChildProcess(MCPTestServers.python!, [MCPTestServer.script, "--http", portFile] + (header.map { ["--require-header", $0] } ?? []),
                                       standardOutput: .null, standardError: .null, ownProcessGroup: true)
        for _ in 0..<300 {
            if let port = try? String(contentsOfFile: portFile, encoding: .utf8), !port.isEmpty {
                return (process, "http://127.0.0.1:\(port)/mcp", folder)
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw MCPToolError(.startFailed, server: "http", "the test server did not start")
    }

    /// The call timeout leaves the answered calls room on a loaded machine; only `stall` reaches it.
    @Test func toolsAreListedAndCalledOverSSEReplies() async throws {
        let (process, url, _) = try await Self.serve(requiring: "X-Test-Token=s3cret")
        let server = MCPServer(spec: MCPServerSpec(name: "web", endpoint: .http(url: url, headers: ["X-Test-Token": "s3cret"], headerEnvironment: [:]),
                                                   callTimeout: 4))
        let tools = try await server.tools()
        #expect(tools.contains { $0.name == "write_note" && !$0.readOnly })
        #expect(try await server.call("add", arguments: ["a": 40, "b": 2]) == .init(text: "42", isError: false))
        let failed = try await server.call("fail", arguments: ["message": "over http"])
        #expect(failed.isError && failed.text.contains("over http"))
        await #expect { try await server.call("stall", arguments: [:]) } throws: { ($0 as? MCPToolError)?.kind == .timedOut }
        #expect(try await server.call("echo", arguments: ["text": "after a timeout"]).text == "after a timeout")
        await server.stop()
        await process.stopped(grace: .seconds(1))
    }

    @Test func aMissingHeaderAndADeadServerAreClearErrors() async throws {
        let (process, url, _) = try await Self.serve(requiring: "X-Test-Token=s3cret")
        let refused = MCPServer(spec: MCPServerSpec(name: "web", endpoint: .http(url: url, headers: [:], headerEnvironment: [:])))
        await #expect { try await refused.tools() } throws: { error in
            (error as? MCPToolError)?.kind == .startFailed && "\(error)".contains("HTTP 401")
        }
        let unset = MCPServer(spec: MCPServerSpec(name: "web", endpoint: .http(url: url, headers: [:],
                                                                              headerEnvironment: ["X-Test-Token": "CHORUS_TEST_UNSET_VARIABLE"])))
        await #expect { try await unset.tools() } throws: { "\($0)".contains("CHORUS_TEST_UNSET_VARIABLE, which is not set") }

        let server = MCPServer(spec: MCPServerSpec(name: "web", endpoint: .http(url: url, headers: ["X-Test-Token": "s3cret"], headerEnvironment: [:])))
        #expect(try await server.call("echo", arguments: ["text": "up"]).text == "up")
        // The server process dies mid-call: the reply stream breaks off and the call fails at once.
        await #expect { try await server.call("crash", arguments: [:]) } throws: { ($0 as? MCPToolError)?.kind == .serverExited }
        await process.stopped(grace: .seconds(1))
        await server.stop()
    }
}
