import ChorusApp
import ChorusGraph
import ChorusSettings
import ChorusSupport
import ChorusTesting
import ChorusTools
import Foundation
import Testing

/// `[mcp.NAME]` in config.toml, and the commands that use MCP tools:
/// `--print` (approval from `--approve`) and `research` (every branch).
@Suite struct MCPConfigTests {
    @Test func anMCPServerSectionIsRead() throws {
        let config = try ChorusConfig.parse("""
            [mcp.time]
            command = "uvx"
            args = ["mcp-server-time", "--local-timezone", "UTC"]
            env = { TZ = "UTC" }
            timeout = 12.5
            trust = ["set_alarm"]

            [mcp.files]
            command = "files-server"
            trust = "all"
            enabled = false

            [mcp.docs]
            url = "https://mcp.example.com/mcp"
            headers = { X-Team = "web" }
            header_env = { Authorization = "DOCS_MCP_AUTH" }
            """, path: "c.toml")
        #expect(config.mcpServers["docs"]?.endpoint == .http(url: "https://mcp.example.com/mcp", headers: ["X-Team": "web"],
                                                              headerEnvironment: ["Authorization": "DOCS_MCP_AUTH"]))
        let time = try #require(config.mcpServers["time"])
        #expect(time.endpoint == .stdio(command: "uvx", arguments: ["mcp-server-time", "--local-timezone", "UTC"], environment: ["TZ": "UTC"]))
        #expect(time.callTimeout == 12.5)
        #expect(time.needsApproval(tool: "delete_alarm", readOnly: false))
        #expect(!time.needsApproval(tool: "set_alarm", readOnly: false))
        #expect(config.mcpServers["files"]?.trust == .all)
        #expect(try ToolSelection.specs(config: config, named: []).map(\.name) == ["docs", "time"])
        #expect(try ToolSelection.specs(config: config, named: ["files"]).map(\.name) == ["files"])
        #expect(try ToolSelection.specs(config: config, named: [], disabled: true).isEmpty)
        #expect(throws: UsageError.self) { try ToolSelection.specs(config: config, named: ["nope"]) }
    }

    @Test("a wrong [mcp] section names what is wrong", arguments: [
        ("[mcp.t]\nargs = [\"x\"]\n", "mcp.t.command must be the program to start"),
        ("[mcp.t]\ncommand = \"x\"\nurl = \"http://h/mcp\"\n", "or url the address of a streamable HTTP server; give one"),
        ("[mcp.t]\nurl = \"ftp://h/mcp\"\n", "mcp.t.url must be an http:// or https:// address"),
        ("[mcp.t]\nurl = \"http://h/mcp\"\nargs = [\"x\"]\n", "mcp.t.args is for command servers"),
        ("[mcp.t]\ncommand = \"x\"\ntrust = 3\n", "mcp.t.trust must be \"all\" or a list of tool names"),
        ("[mcp.t]\ncommand = \"x\"\ntimeout = -1\n", "mcp.t.timeout must be a positive number of seconds"),
        ("[mcp.\"a b\"]\ncommand = \"x\"\n", "a server name is 1 to 32 letters"),
    ])
    func wrongSections(_ text: String, _ message: String) {
        #expect { try ChorusConfig.parse(text, path: "c.toml") } throws: { "\($0)".contains(message) }
    }
}

@Suite(.enabled(if: MCPTestServer.available, "needs CHORUS_MCP_PYTHON (scripts/mcp/mcp-venv.sh)"), .timeLimit(.minutes(2)))
struct ToolCommandTests {
    static func config(llm: LoopbackHTTPServer, notes: String) throws -> ChorusConfig {
        try ChorusConfig.parse(MCPTestServer.config(llm: llm.baseURL, notes: notes), path: "c.toml")
    }

    final class Lines: Sendable {
        let all = Locked<[String]>([])
        func add(_ line: String) { all.withLock { $0.append(line) } }
    }

    @Test func printCallsToolsReportsThemAndDeclinesChangesWithoutApprove() async throws {
        let dir = NSTemporaryDirectory() + "chorus-tools-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let notes = dir + "/notes"
        let llm = try await LoopbackHTTPServer()
        defer { Task { await llm.shutdown() } }
        llm.enqueue(LoopbackHTTPServer.sse(OpenAIStreamBytes.toolCalls([("c1", "add", "{\"a\":20,\"b\":22}"), ("c2", "write_note", "{\"text\":\"x\"}")])))
        llm.enqueue(LoopbackHTTPServer.sse([OpenAIStreamBytes.chunk("42, and no note")] + OpenAIStreamBytes.end))
        let notices = Lines()
        let command = PrintCommand(question: "add and note", provider: nil, system: nil, maxTokens: nil, ephemeral: true,
                                   databasePath: dir + "/db.sqlite", config: try Self.config(llm: llm, notes: notes))
        let result = try await command.answer(environment: [:], write: nil) { notices.add($0) }
        #expect(result.reply == "42, and no note")
        #expect(result.tools.map(\.name) == ["add"])
        #expect(result.tools.first?.output == "42")
        #expect(result.tools.first?.input == ["a": 20, "b": 22])
        #expect(!FileManager.default.fileExists(atPath: notes))
        let lines = notices.all.withLock { $0 }
        #expect(lines.contains { $0.hasPrefix("chorus: tool add → 42 (") })
        #expect(lines.contains("chorus: write_note can change things; declined (pass --approve to allow it)"))
        #expect(result.json.contains("\"tools\":[{"))
    }

    @Test func printWithApproveRunsAToolThatChangesThings() async throws {
        let dir = NSTemporaryDirectory() + "chorus-tools-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let notes = dir + "/notes"
        let llm = try await LoopbackHTTPServer()
        defer { Task { await llm.shutdown() } }
        llm.enqueue(LoopbackHTTPServer.sse(OpenAIStreamBytes.toolCalls([("c1", "write_note", "{\"text\":\"milk\"}")])))
        llm.enqueue(LoopbackHTTPServer.sse([OpenAIStreamBytes.chunk("noted")] + OpenAIStreamBytes.end))
        let command = PrintCommand(question: "note milk", provider: nil, system: nil, maxTokens: nil, ephemeral: false,
                                   databasePath: dir + "/db.sqlite", config: try Self.config(llm: llm, notes: notes), approveTools: true)
        let result = try await command.answer(environment: [:], write: nil)
        #expect(result.tools.map(\.output) == ["noted"])
        #expect(try String(contentsOfFile: notes, encoding: .utf8) == "milk\n")
        let noTools = PrintCommand(question: "hi", provider: nil, system: nil, maxTokens: nil, ephemeral: true, databasePath: dir + "/db.sqlite",
                                   config: try Self.config(llm: llm, notes: notes), mcp: ["ghost"])
        await #expect(throws: UsageError.self) { _ = try await noTools.answer(environment: [:], write: nil) }
    }

    @Test func researchBranchesCallToolsAndJSONLCarriesThem() async throws {
        let dir = NSTemporaryDirectory() + "chorus-tools-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let llm = try await LoopbackHTTPServer()
        defer { Task { await llm.shutdown() } }
        llm.enqueue(LoopbackHTTPServer.sse([OpenAIStreamBytes.chunk("{\"sub_questions\": [\"what is 2+3?\"]}")] + OpenAIStreamBytes.end))
        llm.enqueue(LoopbackHTTPServer.sse(OpenAIStreamBytes.toolCalls([("c1", "add", "{\"a\":2,\"b\":3}")])))
        llm.enqueue(LoopbackHTTPServer.sse([OpenAIStreamBytes.chunk("It is 5.")] + OpenAIStreamBytes.end))
        llm.enqueue(LoopbackHTTPServer.sse([OpenAIStreamBytes.chunk("5 [1]")] + OpenAIStreamBytes.end))
        let out = Lines()
        let command = ResearchCommand(question: "sum", branches: 1, jsonl: true, databasePath: dir + "/db.sqlite",
                                      config: try Self.config(llm: llm, notes: dir + "/notes"))
        try await command.run(environment: [:]) { out.add($0) } progress: { _ in }
        let events = try out.all.withLock { $0 }.joined().split(separator: "\n").map { try JSON.parse(String($0)) }
        let start = try #require(events.first { $0["event"] == "tool_start" })
        let end = try #require(events.first { $0["event"] == "tool_end" })
        // The call is tied to the researcher's task, which ran it.
        let researcher = try #require(events.first { $0["event"] == "node_start" && $0["node"] == "researcher" }?["task"])
        #expect(start["name"] == "add" && start["input"] == ["a": 2, "b": 3] && start["task"] == researcher)
        #expect(end["output"] == "5" && end["task"] == researcher && end["id"] == start["id"])
        #expect((end["duration_ms"]?.doubleValue ?? -1) >= 0)
        #expect(events.last?["answer"] == "5 [1]")
        let researcherAsked = try JSON.parse(llm.requests[1].body)
        #expect(researcherAsked["tools"]?.arrayValue?.compactMap { $0["function"]?["name"]?.stringValue }.contains("write_note") == false)
        #expect(researcherAsked["tools"]?.arrayValue?.compactMap { $0["function"]?["name"]?.stringValue }.contains("add") == true)
    }
}
