/// What a stream reports (LangGraph's `stream_mode`).
public enum StreamMode: String, Sendable, CaseIterable, Hashable {
    /// The full state after every superstep that changed it.
    case values
    /// `{node: update}` as each task finishes.
    case updates
    /// Chat-model tokens as they arrive, and whole messages that nodes write.
    case messages
    /// Whatever nodes write through `context.write(custom:)`.
    case custom
    /// Task starts, task results and checkpoints.
    case debug
}

extension StreamMode {
    var bit: UInt8 {
        switch self {
        case .values: return 1
        case .updates: return 2
        case .messages: return 4
        case .custom: return 8
        case .debug: return 16
        }
    }
}
