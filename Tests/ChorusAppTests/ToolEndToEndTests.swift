import ChorusGraph
import ChorusTesting
import Foundation
import Testing

/// `chorus` in a real terminal (tmux) with a real MCP server: the model (a
/// scripted OpenAI-compatible server on loopback) asks for a tool that can
/// change things, the status bar asks, `y` approves, the tool block shows
/// and the note is written.
@Suite(.serialized, .timeLimit(.minutes(2)), .enabled(if: MCPTestServer.available, "needs CHORUS_MCP_PYTHON (scripts/mcp/mcp-venv.sh)"))
struct ToolEndToEndTests {
    @Test func aToolBlockIsShownAndApprovalIsAnsweredWithY() async throws {
        let dir = NSTemporaryDirectory() + "chorus-e2e-tools-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir + "/config/chorus", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let llm = try await LoopbackHTTPServer()
        defer { Task { await llm.shutdown() } }
        llm.enqueue(LoopbackHTTPServer.sse(OpenAIStreamBytes.toolCalls([("c1", "add", "{\"a\":20,\"b\":22}")])))
        llm.enqueue(LoopbackHTTPServer.sse(OpenAIStreamBytes.toolCalls([("c2", "write_note", "{\"text\":\"buy milk\"}")])))
        llm.enqueue(LoopbackHTTPServer.sse([OpenAIStreamBytes.chunk("Noted, and it is 42.")] + OpenAIStreamBytes.end))
        let notes = dir + "/notes"
        try MCPTestServer.config(llm: llm.baseURL, notes: notes).write(toFile: dir + "/config/chorus/config.toml", atomically: true, encoding: .utf8)
        let tmux = try TmuxSession(command: [BuiltExecutable.path("chorus")], environment: [
            "CHORUS_DB": dir + "/chorus.sqlite", "HOME": dir, "XDG_CONFIG_HOME": dir + "/config", "XDG_STATE_HOME": dir + "/state",
            "LANG": "C.UTF-8",
        ], width: 120, height: 30)
        #expect(try await tmux.waitFor("Message (Enter sends") != nil)
        try tmux.send("add 20 and 22, then note milk", literal: true)
        try tmux.send("Enter")
        let asking = try await tmux.waitFor("can change things: y allow")
        #expect(asking != nil)
        let screen = (asking ?? []).joined(separator: "\n")
        #expect(screen.contains("⚙ add"))
        #expect(screen.contains("{\"a\":20,\"b\":22} → 42"))
        #expect(!FileManager.default.fileExists(atPath: notes))
        try tmux.send("y", literal: true)
        let done = try await tmux.waitFor("Noted, and it is 42.")
        #expect(done != nil)
        #expect((done ?? []).joined(separator: "\n").contains("⚙ write_note"))
        #expect(try String(contentsOfFile: notes, encoding: .utf8) == "buy milk\n")
        try tmux.send("C-q")
        #expect(try await tmux.waitFor("[exited 0]") != nil)
    }
}
