import ChorusGraph
import ChorusProcess
import Foundation
import Logging
import MCP

/// One MCP server: started on first use, restarted after a crash (waiting
/// longer after each crash in a row), stopped with `stop()`. Calls are bounded
/// by the spec's timeout and end when the caller's task is cancelled.
public actor MCPServer {
    /// A tool as the server lists it.
    public struct ToolInfo: Sendable, Equatable {
        public let name: String
        public let description: String
        /// JSON Schema of the tool's arguments.
        public let inputSchema: ChorusGraph.Value
        /// The server marks it read-only (`readOnlyHint`).
        public let readOnly: Bool
    }

    /// What a call returned: the text of its content, and whether the tool reported an error.
    public struct CallResult: Sendable, Equatable {
        public let text: String
        public let isError: Bool

        public init(text: String, isError: Bool) {
            self.text = text
            self.isError = isError
        }
    }

    public nonisolated let spec: MCPServerSpec
    private var running: (client: Client, process: ChildProcess?, generation: Int)?
    private var generation = 0
    private var crashesInARow = 0
    private var lastCrash: ContinuousClock.Instant?
    private var cachedTools: [ToolInfo]?
    private let logger: Logger

    public init(spec: MCPServerSpec) {
        self.spec = spec
        var logger = Logger(label: "chorus.mcp.\(spec.name)")
        logger.logLevel = .critical
        self.logger = logger
    }

    /// The server's tools (every page), listed once per start.
    public func tools() async throws -> [ToolInfo] {
        if let cachedTools, running != nil { return cachedTools }
        let client = try await connected()
        var tools: [ToolInfo] = []
        var cursor: String?
        repeat {
            let after = cursor
            let page: (tools: [Tool], nextCursor: String?)
            do {
                page = try await bounded(spec.startTimeout, what: "listing its tools") {
                    try await client.listTools(cursor: after)
                } onTimeout: {
                    await client.disconnect()
                }
            } catch {
                await stop()
                throw error
            }
            tools += page.tools.map { tool in
                ToolInfo(name: tool.name, description: tool.description ?? tool.title ?? "", inputSchema: MCPValue.fromMCP(tool.inputSchema),
                         readOnly: tool.annotations.readOnlyHint == true)
            }
            cursor = page.nextCursor
        } while cursor != nil
        cachedTools = tools
        return tools
    }

    /// Calls `tool` with `arguments` (an object).
    public func call(_ tool: String, arguments: ChorusGraph.Value) async throws -> CallResult {
        let client = try await connected()
        let mcpArguments = arguments.objectValue?.mapValues(MCPValue.toMCP) ?? [:]
        let request: RequestContext<CallTool.Result> = try await client.callTool(name: tool, arguments: mcpArguments)
        let result = try await bounded(spec.callTimeout, what: "the call of \(tool)") {
            try await withTaskCancellationHandler {
                try await request.value
            } onCancel: {
                Task { try? await client.cancelRequest(request.requestID, reason: "cancelled by the user") }
            }
        } onTimeout: {
            try? await client.cancelRequest(request.requestID, reason: "timed out")
        }
        crashesInARow = 0
        return CallResult(text: Self.text(of: result.content), isError: result.isError ?? false)
    }

    /// Stops the server process (SIGTERM to its group, then SIGKILL).
    public func stop() async {
        guard let running else { return }
        self.running = nil
        await running.client.disconnect()
        await running.process?.stopped(grace: .seconds(2))
    }

    // MARK: lifecycle

    private func connected() async throws -> Client {
        if let running { return running.client }
        if let lastCrash, crashesInARow > 0 {
            let wait = min(30, 0.5 * pow(2, Double(crashesInARow - 1)))
            let ready = lastCrash + .seconds(wait)
            if ContinuousClock.now < ready {
                let left = Double((ready - ContinuousClock.now).components.seconds) + 1
                throw MCPToolError(.backingOff, server: spec.name, "it crashed; next start in \(Int(left)) s")
            }
        }
        return try await start()
    }

    private func start() async throws -> Client {
        generation += 1
        let startedGeneration = generation
        let onClose: @Sendable () -> Void = { [weak self] in Task { await self?.ended(generation: startedGeneration) } }
        let transport: any Transport
        var process: ChildProcess?
        var standardError: @Sendable () -> String = { "" }
        switch spec.endpoint {
        case .stdio(let command, let arguments, let environment):
            do {
                let merged = environment.isEmpty ? nil : ProcessInfo.processInfo.environment.merging(environment) { $1 }
                process = try ChildProcess(command, arguments, environment: merged, standardInput: .pipe, standardOutput: .pipe,
                                           standardError: .pipe, ownProcessGroup: true)
            } catch {
                crashed()
                throw MCPToolError(.startFailed, server: spec.name, "cannot start `\(command)`: \(error)")
            }
            let stdio = ChildProcessTransport(process: process!, logger: logger, onClose: onClose)
            standardError = { stdio.standardErrorTail }
            transport = stdio
        case .http(let url, let fixed, let fromEnvironment):
            var headers = fixed
            let environment = ProcessInfo.processInfo.environment
            for (header, variable) in fromEnvironment {
                guard let value = environment[variable], !value.isEmpty else {
                    throw MCPToolError(.startFailed, server: spec.name, "header \(header) needs the environment variable \(variable), which is not set")
                }
                headers[header] = value
            }
            transport = StreamableHTTPTransport(endpoint: url, headers: headers, logger: logger, onClose: onClose)
        }
        let client = Client(name: "chorus", version: "0.1.0")
        running = (client, process, startedGeneration)
        cachedTools = nil
        do {
            _ = try await bounded(spec.startTimeout, what: "starting") {
                try await client.connect(transport: transport)
            } onTimeout: {
                await client.disconnect()
            }
        } catch {
            let stderr = standardError()
            await stop()
            crashed()
            let detail = stderr.isEmpty ? "\(error)" : "\(error); it said: \(stderr.split(separator: "\n").suffix(3).joined(separator: " | "))"
            throw MCPToolError(.startFailed, server: spec.name, "did not start: \(detail)")
        }
        return client
    }

    /// The server's output ended: the process exited or closed it.
    private func ended(generation ended: Int) async {
        guard let running, running.generation == ended else { return }
        self.running = nil
        cachedTools = nil
        crashed()
        // Fails every call still waiting on this server at once.
        await running.client.disconnect()
        await running.process?.stopped(grace: .seconds(1))
    }

    private func crashed() {
        crashesInARow += 1
        lastCrash = .now
    }

    // MARK: helpers

    /// Runs `body`, failing with a timeout after `seconds`. On a timeout,
    /// `onTimeout` runs first: it must make `body` end (cancel the request,
    /// or disconnect the client), since the SDK's calls ignore task cancellation.
    private func bounded<T: Sendable>(
        _ seconds: Double, what: String, _ body: @escaping @Sendable () async throws -> T,
        onTimeout: @escaping @Sendable () async -> Void
    ) async throws -> T {
        do {
            return try await withThrowingTaskGroup(of: BoundedOutcome<T>.self) { group in
                group.addTask { .done(try await body()) }
                group.addTask {
                    try await Task.sleep(for: .seconds(seconds))
                    return .timedOut
                }
                let first = try await group.next()!
                group.cancelAll()
                switch first {
                case .done(let value):
                    return value
                case .timedOut:
                    await onTimeout()
                    throw MCPToolError(.timedOut, server: spec.name, "\(what) took longer than \(Self.seconds(seconds))")
                }
            }
        } catch let error as MCPError {
            throw translate(error)
        }
    }

    private enum BoundedOutcome<T: Sendable>: Sendable {
        case done(T)
        case timedOut
    }

    private func translate(_ error: MCPError) -> MCPToolError {
        switch error {
        case .internalError(let detail) where detail?.contains("disconnected") == true:
            return MCPToolError(.serverExited, server: spec.name, "the server exited")
        case .transportError(let underlying):
            if case .http(let url, _, _) = spec.endpoint {
                return MCPToolError(.serverExited, server: spec.name, "cannot reach \(url): \(underlying)")
            }
            return MCPToolError(.serverExited, server: spec.name, "the server exited")
        case .connectionClosed:
            return MCPToolError(.serverExited, server: spec.name, "the server exited")
        default:
            return MCPToolError(.failed, server: spec.name, "\(error)")
        }
    }

    private static func seconds(_ s: Double) -> String {
        s == s.rounded() ? "\(Int(s)) s" : String(format: "%.1f s", s)
    }

    /// The content of a tool's result as text: text parts as they are, other parts named.
    static func text(of content: [Tool.Content]) -> String {
        content.map { part -> String in
            switch part {
            case .text(let text, _, _): return text
            case .image(_, let mimeType, _, _): return "[image \(mimeType)]"
            case .audio(_, let mimeType, _, _): return "[audio \(mimeType)]"
            case .resource(let resource, _, _): return resource.text ?? "[resource \(resource.uri)]"
            case .resourceLink(let uri, let name, _, _, _, _): return "[\(name): \(uri)]"
            }
        }.joined(separator: "\n")
    }
}
