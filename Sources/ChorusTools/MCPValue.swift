import ChorusGraph
import MCP

/// Conversions between the engine's `Value` and the MCP SDK's `Value`, the
/// only place the two meet.
enum MCPValue {
    static func toMCP(_ value: ChorusGraph.Value) -> MCP.Value {
        switch value {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(i)
        case .double(let d): return .double(d)
        case .string(let s): return .string(s)
        case .array(let items): return .array(items.map(toMCP))
        case .object(let members): return .object(members.mapValues(toMCP))
        }
    }

    static func fromMCP(_ value: MCP.Value) -> ChorusGraph.Value {
        switch value {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(i)
        case .double(let d): return .double(d)
        case .string(let s): return .string(s)
        case .data(let mimeType, let data): return .string("[\(data.count) bytes of \(mimeType ?? "data")]")
        case .array(let items): return .array(items.map(fromMCP))
        case .object(let members): return .object(members.mapValues(fromMCP))
        }
    }
}
