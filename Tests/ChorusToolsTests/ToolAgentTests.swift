import ChorusAgents
import ChorusGraph
import ChorusModels
import ChorusStore
import ChorusTesting
import ChorusTools
import Foundation
import Testing

/// The agent with MCP tools: a scripted OpenAI-compatible server on loopback
/// asks for tool calls, real MCP servers answer them, and the results land in
/// the thread; approval goes through a checkpointed interrupt.
@Suite(.enabled(if: MCPTestServers.available, "needs CHORUS_MCP_PYTHON (scripts/mcp/mcp-venv.sh)"), .timeLimit(.minutes(2)))
struct ToolAgentTests {
    static func user(_ text: String, id: String = "u1") -> StateUpdate<ReactAgent.State> {
        StateUpdate { $0.messages = [ChatMessage(role: .user, content: text, id: id)] }
    }

    static func toolMessages(_ state: StateView<ReactAgent.State>) throws -> [String] {
        try state.messages.filter { $0.role == .tool }.map(\.content)
    }

    @Test func theModelsToolCallsRunOnTheServerAndTheirResultsLandInTheThread() async throws {
        let llm = try await LoopbackHTTPServer()
        defer { Task { await llm.shutdown() } }
        llm.enqueue(LoopbackHTTPServer.sse(OpenAIStreamBytes.toolCalls([("c1", "add", "{\"a\":2,\"b\":3}"), ("c2", "echo", "{\"text\":\"hi there\"}")])))
        llm.enqueue(LoopbackHTTPServer.sse([OpenAIStreamBytes.chunk("2 + 3 = 5")] + OpenAIStreamBytes.end))
        let toolbox = MCPToolbox(specs: [MCPTestServers.testServer()])
        let (tools, unavailable) = await toolbox.agentTools()
        #expect(unavailable.isEmpty)
        let agent = try ReactAgent.make(model: Providers.openAI(baseURL: llm.baseURL + "/v1", model: "m", apiKey: nil), tools: tools)
        let (events, error) = await collectEvents(agent.graph, .state(.object(Self.user("add 2 and 3").values)))
        await toolbox.stop()
        #expect(error == nil)
        let result = try #require(events.last { if case .runEnd = $0.kind { true } else { false } })
        guard case .runEnd(let values) = result.kind else { return }
        let state = StateView<ReactAgent.State>(values)
        #expect(try Self.toolMessages(state) == ["5", "hi there"])
        #expect(try state.messages.last?.content == "2 + 3 = 5")
        let started = events.compactMap { if case .toolStart(let name, _) = $0.kind { name } else { nil } }
        #expect(Set(started) == ["add", "echo"])
        let second = try JSON.parse(try #require(llm.requests.last).body)
        #expect(second["tools"]?.arrayValue?.compactMap { $0["function"]?["name"]?.stringValue }.contains("write_note") == true)
    }

    @Test func twoParallelCallsUnderMaxConcurrencyOneRunOneAfterTheOther() async throws {
        let folder = MCPTestServers.Folder()
        let llm = try await LoopbackHTTPServer()
        defer { Task { await llm.shutdown() } }
        llm.enqueue(LoopbackHTTPServer.sse(OpenAIStreamBytes.toolCalls([("c1", "slow", "{\"seconds\":0.3}"), ("c2", "slow", "{\"seconds\":0.3}")])))
        llm.enqueue(LoopbackHTTPServer.sse([OpenAIStreamBytes.chunk("done")] + OpenAIStreamBytes.end))
        let toolbox = MCPToolbox(specs: [MCPTestServers.testServer(environment: ["CALL_LOG": folder.file("calls")])])
        let agent = try ReactAgent.make(model: Providers.openAI(baseURL: llm.baseURL + "/v1", model: "m", apiKey: nil),
                                        tools: await toolbox.agentTools().tools)
        let result = try await agent.invoke(Self.user("sleep twice"), config: RunConfig(maxConcurrency: 1))
        await toolbox.stop()
        #expect(try Self.toolMessages(result.state) == ["slept", "slept"])
        let log = try String(contentsOfFile: folder.file("calls"), encoding: .utf8).split(separator: "\n").map { $0.split(separator: " ")[0] }
        #expect(log == ["start", "end", "start", "end"])
    }

    @Test func aToolThatChangesThingsWaitsForApprovalAcrossARestart() async throws {
        let folder = MCPTestServers.Folder()
        let notes = folder.file("notes")
        let llm = try await LoopbackHTTPServer()
        defer { Task { await llm.shutdown() } }
        let spec = MCPTestServers.testServer(environment: ["NOTES_FILE": notes])
        let config = RunConfig(threadId: "approve")

        // First process: the model asks to write a note; the run stops on the approval interrupt.
        llm.enqueue(LoopbackHTTPServer.sse(OpenAIStreamBytes.toolCalls([("c1", "write_note", "{\"text\":\"buy milk\"}")])))
        let first = MCPToolbox(specs: [spec])
        let database = folder.file("chorus.sqlite")
        let asked = try await ReactAgent.make(model: Providers.openAI(baseURL: llm.baseURL + "/v1", model: "m", apiKey: nil),
                                              tools: await first.agentTools().tools,
                                              checkpointer: SQLiteCheckpointer(database: try ChorusDatabase(path: database)))
            .invoke(Self.user("note: buy milk"), config: config)
        await first.stop()
        let request = try #require(asked.interrupts.first.flatMap { ToolApproval.Request(interrupt: $0.value) })
        #expect(request.tool == "write_note")
        #expect(request.arguments == ["text": "buy milk"])
        #expect(!FileManager.default.fileExists(atPath: notes))

        // Second process: a new toolbox and graph on the same file; "always" approves and remembers.
        llm.enqueue(LoopbackHTTPServer.sse([OpenAIStreamBytes.chunk("noted")] + OpenAIStreamBytes.end))
        let second = MCPToolbox(specs: [spec])
        let agent = try ReactAgent.make(model: Providers.openAI(baseURL: llm.baseURL + "/v1", model: "m", apiKey: nil),
                                        tools: await second.agentTools().tools,
                                        checkpointer: SQLiteCheckpointer(database: try ChorusDatabase(path: database)))
        let done = try await agent.invoke(.resume("always"), config: config)
        #expect(try String(contentsOfFile: notes, encoding: .utf8) == "buy milk\n")
        #expect(try Self.toolMessages(done.state) == ["noted"])
        #expect(try done.state.approvedTools == ["write_note"])

        // Approved for the thread: the next call runs without asking.
        llm.enqueue(LoopbackHTTPServer.sse(OpenAIStreamBytes.toolCalls([("c2", "write_note", "{\"text\":\"eggs\"}")])))
        llm.enqueue(LoopbackHTTPServer.sse([OpenAIStreamBytes.chunk("noted again")] + OpenAIStreamBytes.end))
        let again = try await agent.invoke(Self.user("and eggs", id: "u2"), config: config)
        await second.stop()
        #expect(again.interrupts.isEmpty)
        #expect(try String(contentsOfFile: notes, encoding: .utf8) == "buy milk\neggs\n")
    }

    @Test func aDeclinedCallIsNotRunAndTheModelIsTold() async throws {
        let folder = MCPTestServers.Folder()
        let notes = folder.file("notes")
        let llm = try await LoopbackHTTPServer()
        defer { Task { await llm.shutdown() } }
        llm.enqueue(LoopbackHTTPServer.sse(OpenAIStreamBytes.toolCalls([("c1", "write_note", "{\"text\":\"x\"}")])))
        llm.enqueue(LoopbackHTTPServer.sse([OpenAIStreamBytes.chunk("ok, not writing")] + OpenAIStreamBytes.end))
        let toolbox = MCPToolbox(specs: [MCPTestServers.testServer(environment: ["NOTES_FILE": notes])])
        let agent = try ReactAgent.make(model: Providers.openAI(baseURL: llm.baseURL + "/v1", model: "m", apiKey: nil),
                                        tools: await toolbox.agentTools().tools, checkpointer: InMemoryCheckpointer())
        let config = RunConfig(threadId: "t")
        _ = try await agent.invoke(Self.user("write x"), config: config)
        let done = try await agent.invoke(.resume("n"), config: config)
        await toolbox.stop()
        #expect(!FileManager.default.fileExists(atPath: notes))
        #expect(try Self.toolMessages(done.state) == ["The user declined to run write_note."])
    }

    @Test func aFailingServerGivesTheModelAnErrorAndTheCatalogANote() async throws {
        let llm = try await LoopbackHTTPServer()
        defer { Task { await llm.shutdown() } }
        llm.enqueue(LoopbackHTTPServer.sse(OpenAIStreamBytes.toolCalls([("c1", "fail", "{\"message\":\"quota\"}"), ("c2", "crash", "{}")])))
        llm.enqueue(LoopbackHTTPServer.sse([OpenAIStreamBytes.chunk("both failed")] + OpenAIStreamBytes.end))
        let toolbox = MCPToolbox(specs: [MCPTestServers.testServer(), MCPTestServers.testServer("broken", arguments: ["--exit-at-start"])])
        let (tools, unavailable) = await toolbox.agentTools()
        #expect(unavailable.count == 1 && unavailable[0].contains("'broken'") && unavailable[0].contains("told to exit at start"))
        #expect(!tools.contains { $0.spec.name.hasPrefix("broken_") })
        let agent = try ReactAgent.make(model: Providers.openAI(baseURL: llm.baseURL + "/v1", model: "m", apiKey: nil), tools: tools)
        let result = try await agent.invoke(Self.user("try"), config: RunConfig(maxConcurrency: 1))
        await toolbox.stop()
        let outputs = try Self.toolMessages(result.state)
        #expect(outputs.count == 2)
        #expect(outputs[0].hasPrefix("Error: MCP server 'test': fail failed:") && outputs[0].contains("quota"))
        #expect(outputs[1].hasPrefix("Error: MCP server 'test': the server exited"))
    }
}
