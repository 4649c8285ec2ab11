import ChorusAgents
import ChorusGraph
import ChorusModels
import ChorusProcess
import ChorusSupport
import ChorusTesting
import ChorusTools
import Foundation

/// `tools` (issue 16), on real MCP servers (`Tests/Fixtures/mcp/test_server.py`,
/// needs `CHORUS_MCP_PYTHON`, see scripts/bench-tools.sh):
/// - the client-side cost of a tool call: a call through `MCPServer`
///   minus a bare JSON-RPC round trip on a pipe to the same server;
/// - 100 parallel tool calls across 4 servers from one agent step under
///   `maxConcurrency` 8: peak in flight and wall time.
enum ToolCalls {
    struct MissingServers: Error, CustomStringConvertible {
        var description: String { "set CHORUS_MCP_PYTHON (bash scripts/bench-tools.sh does)" }
    }

    static func run() async throws -> Value {
        guard let python = MCPTestServer.python else { throw MissingServers() }
        let calls = Bench.quick ? 100 : 1_000
        let raw = try await rawRoundTrips(python: python, calls: calls)
        let server = MCPServer(spec: MCPServerSpec(name: "bench", endpoint: .stdio(command: python, arguments: [MCPTestServer.script], environment: [:])))
        _ = try await server.call("echo", arguments: ["text": "warm"])
        let t0 = Bench.now()
        for i in 0..<calls {
            let result = try await server.call("echo", arguments: ["text": .string("call \(i)")])
            try Bench.check(result.text == "call \(i)", "tools echo")
        }
        let sdkUs = Double(Bench.now() - t0) / 1e3 / Double(calls)
        await server.stop()
        var result: [String: Value] = [
            "raw_round_trip_us": Bench.round(raw), "call_us": Bench.round(sdkUs), "client_overhead_us": Bench.round(sdkUs - raw),
            "calls": .int(calls),
        ]
        for (key, value) in try await fanOut(python: python) { result[key] = value }
        return .object(result)
    }

    /// Microseconds per `tools/call` of `echo` written and read on the child's pipes directly.
    static func rawRoundTrips(python: String, calls: Int) async throws -> Double {
        let child = try ChildProcess(python, [MCPTestServer.script], standardInput: .pipe, standardOutput: .pipe, standardError: .null,
                                     ownProcessGroup: true)
        defer { _ = child.stop(grace: .seconds(1)) }
        let input = child.standardInput!, output = child.standardOutput!
        var reader = LineReader(fd: output.fileDescriptor)
        func send(_ line: String) { input.write(Data((line + "\n").utf8)) }
        send(#"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"bench","version":"1"}}}"#)
        _ = reader.next()
        send(#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#)
        func call(_ id: Int) -> String {
            send(#"{"jsonrpc":"2.0","id":\#(id),"method":"tools/call","params":{"name":"echo","arguments":{"text":"call \#(id)"}}}"#)
            return reader.next() ?? ""
        }
        _ = call(1)
        let t0 = Bench.now()
        for i in 0..<calls {
            let reply = call(i + 2)
            try Bench.check(reply.contains("call \(i + 2)"), "raw echo")
        }
        return Double(Bench.now() - t0) / 1e3 / Double(calls)
    }

    /// One agent step asking for 100 `slow` calls (20 ms each) spread over 4 servers, under maxConcurrency 8.
    static func fanOut(python: String) async throws -> [String: Value] {
        let specs = (1...4).map { MCPServerSpec(name: "s\($0)", endpoint: .stdio(command: python, arguments: [MCPTestServer.script], environment: [:])) }
        let toolbox = MCPToolbox(specs: specs)
        let catalog = await toolbox.agentTools()
        let inFlight = Locked<(now: Int, peak: Int)>((0, 0))
        let tools = catalog.tools.map { tool in
            AgentTool(name: tool.spec.name, description: tool.spec.description, parameters: tool.spec.parameters) { arguments in
                inFlight.withLock { $0.now += 1; $0.peak = max($0.peak, $0.now) }
                defer { inFlight.withLock { $0.now -= 1 } }
                return try await tool.run(arguments)
            }
        }
        let slowNames = (1...4).map { "s\($0)_slow" }
        let requests = (0..<100).map { ToolCall(id: "c\($0)", name: slowNames[$0 % 4], arguments: ["seconds": 0.02]) }
        let model = ReplayChatModel([requests.map { .toolCall($0) } + [.finish(.toolCalls)], [.text("done"), .finish(.stop)]])
        let agent = try ReactAgent.make(model: model, tools: tools)
        let t0 = Bench.now()
        let out = try await agent.invoke(StateUpdate { $0.messages = [ChatMessage(role: .user, content: "go", id: "u")] }, config: RunConfig(maxConcurrency: 8))
        let wall = Double(Bench.now() - t0) / 1e6
        await toolbox.stop()
        let results = try out.state.messages.filter { $0.role == .tool }
        try Bench.check(results.count == 100 && results.allSatisfy { $0.content == "slept" }, "100 tool results")
        return ["fanout_calls": 100, "fanout_servers": 4, "fanout_max_concurrency": 8, "fanout_peak_in_flight": .int(inFlight.withLock { $0.peak }),
                "fanout_wall_ms": Bench.round(wall), "fanout_ideal_ms": .double(100.0 / 8.0 * 20)]
    }

    /// Reads lines from a descriptor with blocking reads (the bench's own thread).
    struct LineReader {
        let fd: Int32
        var pending: [UInt8] = []

        mutating func next() -> String? {
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while true {
                if let newline = pending.firstIndex(of: 0x0A) {
                    let line = String(decoding: pending[..<newline], as: UTF8.self)
                    pending.removeSubrange(...newline)
                    return line
                }
                let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if count <= 0 { return nil }
                pending += buffer[0..<count]
            }
        }
    }
}
