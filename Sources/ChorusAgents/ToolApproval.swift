import ChorusGraph
import ChorusModels

/// The user's say over a tool call that can change things: the interrupt
/// the agent raises before it, and the answers it understands. The request
/// survives a restart (it is a checkpointed interrupt) and works over
/// `chorus serve` like any interrupt.
public enum ToolApproval {
    /// The interrupt's value: `{"type": "tool_approval", "tool", "arguments", "call_id"}`.
    public struct Request: Sendable, Equatable, Codable, StateValue {
        private var type = "tool_approval"
        /// The tool the model wants to call.
        public var tool: String
        /// The call's arguments, as the model wrote them.
        public var arguments: Value
        public var callId: String

        public init(_ call: ToolCall) {
            tool = call.name
            arguments = call.arguments
            callId = call.id
        }

        /// The approval an interrupt's value asks for; nil for any other interrupt.
        public init?(interrupt value: Value) {
            guard let request = try? Request(stateValue: value), request.type == "tool_approval" else { return nil }
            self = request
        }

        enum CodingKeys: String, CodingKey {
            case type, tool, arguments, callId = "call_id"
        }
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
