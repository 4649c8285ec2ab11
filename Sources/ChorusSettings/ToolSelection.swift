import ChorusTools

/// Which MCP servers a command uses: every enabled `[mcp.NAME]` of the
/// config, or only those named with `--mcp` (a disabled one included), or
/// none with `--no-tools`.
public enum ToolSelection {
    public static func specs(config: ChorusConfig, named: [String], disabled: Bool = false) throws -> [MCPServerSpec] {
        if disabled {
            if !named.isEmpty { throw UsageError("give --mcp or --no-tools, not both") }
            return []
        }
        if named.isEmpty { return config.mcpServers.values.filter(\.enabled).sorted { $0.name < $1.name } }
        return try Set(named).sorted().map { name in
            guard var spec = config.mcpServers[name] else {
                let known = config.mcpServers.keys.sorted()
                throw UsageError("--mcp \(name): no [mcp.\(name)] in the config" + (known.isEmpty ? " (it declares no MCP servers)" : " (it has: \(known.joined(separator: ", ")))"))
            }
            spec.enabled = true
            return spec
        }
    }
}
