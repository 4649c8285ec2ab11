import ChorusGraph
import ChorusProcess
import ChorusTesting
import ChorusTools
import Foundation
import Testing

/// One MCP server through the official Swift SDK: tools listed, calls made,
/// and every way a server fails ends in a clear error, never a hang.
@Suite(.enabled(if: MCPTestServers.available, "needs CHORUS_MCP_PYTHON (scripts/mcp/mcp-venv.sh)"), .timeLimit(.minutes(2)))
struct MCPServerTests {
    @Test func toolsAreListedWithSchemasAndReadOnlyHints() async throws {
        let server = MCPServer(spec: MCPTestServers.testServer())
        let tools = try await server.tools()
        await server.stop()
        let byName = Dictionary(uniqueKeysWithValues: tools.map { ($0.name, $0) })
        #expect(Set(byName.keys) == ["echo", "add", "write_note", "slow", "fail", "crash", "stall"])
        #expect(byName["echo"]?.readOnly == true)
        #expect(byName["write_note"]?.readOnly == false)
        #expect(byName["add"]?.inputSchema["properties"]?["a"]?["type"] == "integer")
        #expect(MCPTestServers.testServer().needsApproval(tool: "write_note", readOnly: false))
        #expect(!MCPTestServers.testServer().needsApproval(tool: "echo", readOnly: true))
    }

    @Test func callsReturnTextAndAToolsErrorIsMarked() async throws {
        let server = MCPServer(spec: MCPTestServers.testServer())
        #expect(try await server.call("add", arguments: ["a": 2, "b": 40]) == .init(text: "42", isError: false))
        let failed = try await server.call("fail", arguments: ["message": "no disk"])
        await server.stop()
        #expect(failed.isError)
        #expect(failed.text.contains("no disk"))
    }

    @Test func aCrashMidCallFailsTheCallAndALaterCallRestartsTheServer() async throws {
        let server = MCPServer(spec: MCPTestServers.testServer())
        await #expect { try await server.call("crash", arguments: [:]) } throws: { ($0 as? MCPToolError)?.kind == .serverExited }
        // The first restart waits 0.5 s after the crash; a call before then is told so.
        var answer: String?
        for _ in 0..<100 where answer == nil {
            do {
                answer = try await server.call("echo", arguments: ["text": "back"]).text
            } catch let error as MCPToolError where error.kind == .backingOff {
                #expect("\(error)".contains("next start in"))
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        #expect(answer == "back")
        await server.stop()
    }

    @Test func aStalledCallTimesOutAndACancelledCallEndsAtOnce() async throws {
        // Long enough that the echo after the timeout never reaches it on a loaded machine.
        let server = MCPServer(spec: MCPTestServers.testServer(callTimeout: 4))
        await #expect { try await server.call("stall", arguments: [:]) } throws: { error in
            (error as? MCPToolError)?.kind == .timedOut && "\(error)".contains("took longer than 4 s")
        }
        let started = Signal()
        let call = Task {
            started.fire()
            return try await server.call("stall", arguments: [:])
        }
        await started.wait()
        try await Task.sleep(for: .milliseconds(100))
        call.cancel()
        await #expect(throws: CancellationError.self) { try await call.value }
        #expect(try await server.call("echo", arguments: ["text": "still here"]).text == "still here")
        await server.stop()
    }

    @Test func aServerThatCannotStartSaysWhy() async throws {
        let exits = MCPServer(spec: MCPTestServers.testServer(arguments: ["--exit-at-start"]))
        await #expect { try await exits.tools() } throws: { error in
            (error as? MCPToolError)?.kind == .startFailed && "\(error)".contains("told to exit at start")
        }
        let missing = MCPServer(spec: MCPServerSpec(name: "ghost", endpoint: .stdio(command: "/nonexistent/mcp-server", arguments: [], environment: [:])))
        await #expect { try await missing.tools() } throws: { error in
            (error as? MCPToolError)?.kind == .startFailed && "\(error)".contains("cannot start")
        }
    }

    @Test func theTimeServerFromPyPIAnswers() async throws {
        let server = MCPServer(spec: MCPTestServers.module("time", "mcp_server_time", arguments: ["--local-timezone", "UTC"]))
        let tools = try await server.tools()
        #expect(tools.contains { $0.name == "get_current_time" })
        let now = try await server.call("get_current_time", arguments: ["timezone": "Europe/Oslo"])
        await server.stop()
        #expect(!now.isError)
        #expect(now.text.contains("Europe/Oslo"))
        #expect(now.text.contains(String(Calendar(identifier: .gregorian).component(.year, from: Date()))))
    }

    @Test func theGitServerFromPyPIReadsARepositoryMadeForTheTest() async throws {
        let folder = MCPTestServers.Folder()
        for arguments in [["init", "-q", "-b", "main"], ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "--allow-empty", "-m", "first commit"]] {
            let git = try ChildProcess("git", ["-C", folder.path] + arguments, standardOutput: .null, standardError: .null)
            #expect(await git.terminationStatus() == .exited(0))
        }
        try "hello".write(toFile: folder.file("new.txt"), atomically: true, encoding: .utf8)
        let server = MCPServer(spec: MCPTestServers.module("git", "mcp_server_git", arguments: ["--repository", folder.path]))
        let tools = try await server.tools()
        #expect(tools.contains { $0.name == "git_status" })
        let status = try await server.call("git_status", arguments: ["repo_path": .string(folder.path)])
        let log = try await server.call("git_log", arguments: ["repo_path": .string(folder.path)])
        await server.stop()
        #expect(status.text.contains("new.txt"))
        #expect(log.text.contains("first commit"))
    }
}
