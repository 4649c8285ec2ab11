import ChorusAgents
import ChorusGraph

/// Every configured MCP server, and their tools as agent tools: what the
/// chat agent and each research branch are given.
public final class MCPToolbox: Sendable {
    public let servers: [MCPServer]

    public init(specs: [MCPServerSpec]) {
        servers = specs.filter(\.enabled).sorted { $0.name < $1.name }.map(MCPServer.init)
    }

    /// A tool of one server, as the agent will name it.
    public struct Entry: Sendable, Equatable {
        public let server: String
        /// The tool's name for the model: the server's name for it, or
        /// `server_tool` when two servers have a tool of that name.
        public let exposedName: String
        public let tool: MCPServer.ToolInfo
        public let needsApproval: Bool
    }

    /// The tools of every server that starts; servers that do not are
    /// reported in `unavailable` (one line each) and left out.
    public func catalog() async -> (entries: [Entry], unavailable: [String]) {
        var listed: [(MCPServer, [MCPServer.ToolInfo])] = []
        var unavailable: [String] = []
        for server in servers {
            do {
                listed.append((server, try await server.tools()))
            } catch {
                unavailable.append("\(error)")
            }
        }
        var counts: [String: Int] = [:]
        for (_, tools) in listed { for tool in tools { counts[tool.name, default: 0] += 1 } }
        var entries: [Entry] = []
        for (server, tools) in listed {
            for tool in tools {
                let exposed = counts[tool.name, default: 0] > 1 ? "\(server.spec.name)_\(tool.name)" : tool.name
                entries.append(Entry(server: server.spec.name, exposedName: exposed, tool: tool,
                                     needsApproval: server.spec.needsApproval(tool: tool.name, readOnly: tool.readOnly)))
            }
        }
        return (entries, unavailable)
    }

    /// The catalog as agent tools. A tool's error (reported by the tool or
    /// by its server) becomes its result for the model, prefixed `Error:`.
    public func agentTools() async -> (tools: [AgentTool], unavailable: [String]) {
        let (entries, unavailable) = await catalog()
        let byName = Dictionary(uniqueKeysWithValues: servers.map { ($0.spec.name, $0) })
        let tools = entries.map { entry in
            let server = byName[entry.server]!
            let name = entry.tool.name
            return AgentTool(name: entry.exposedName, description: entry.tool.description, parameters: entry.tool.inputSchema,
                             needsApproval: entry.needsApproval) { arguments in
                let result = try await server.call(name, arguments: arguments)
                if result.isError { throw MCPToolError(.failed, server: entry.server, "\(name) failed: \(result.text)") }
                return result.text
            }
        }
        return (tools, unavailable)
    }

    /// Stops every server that was started.
    public func stop() async {
        for server in servers { await server.stop() }
    }
}
