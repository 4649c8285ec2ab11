import ChorusGraph
import ChorusModels

/// The user's say over a tool call that can change things: the interrupt
/// the agent raises before it, and the answers it understands. The request
/// survives a restart (it is a checkpointed interrupt) and works over
/// `chorus serve` like any interrupt.
public enum ToolApproval {
    /// The interrupt's value: `{"type": "tool_approval", "tool", "arguments", "call_id"}`.
    public static func request(for call: ToolCall) -> Value {
        ["type": "tool_approval", "tool": .string(call.name), "arguments": call.arguments, "call_id": .string(call.id)]
    }

    /// The pending approval an interrupt value describes, if it is one.
    public static func pending(_ value: Value) -> (tool: String, arguments: Value)? {
        guard value["type"]?.stringValue == "tool_approval", let tool = value["tool"]?.stringValue else { return nil }
        return (tool, value["arguments"] ?? .null)
    }

    /// An answer: `"y"`/`"yes"`/`true` approves this call, `"a"`/`"always"`
    /// approves the tool for the thread, anything else declines.
    public enum Answer: String, Sendable {
        case approve = "y", always = "a", decline = "n"

        public init(_ value: Value) {
            switch value {
            case .bool(true): self = .approve
            case .string(let s):
                switch s.lowercased() {
                case "y", "yes", "approve": self = .approve
                case "a", "always": self = .always
                default: self = .decline
                }
            default: self = .decline
            }
        }
    }
}
