import ChorusGraph

/// A `stream_mode` a client may ask for, and the engine streams that feed it.
enum WireStreamMode: String, Sendable, CaseIterable {
    case values, updates, messages, custom, events, debug, tasks, checkpoints
    case messagesTuple = "messages-tuple"

    /// The engine's stream modes this one is derived from.
    var engineModes: Set<StreamMode> {
        switch self {
        case .values: [.values]
        case .updates: [.updates]
        case .messages, .messagesTuple: [.messages]
        case .custom: [.custom]
        case .debug, .tasks, .checkpoints: [.debug]
        case .events: []
        }
    }

    /// Parses the request's list; an unknown mode is a 422 naming it.
    static func parse(_ names: [String]) throws -> [WireStreamMode] {
        try names.map { name in
            guard let mode = WireStreamMode(rawValue: name) else {
                throw APIError(.unprocessableContent, "Invalid request body: unknown stream_mode '\(name)'; expected one of "
                    + allCases.map(\.rawValue).joined(separator: ", "))
            }
            return mode
        }
    }
}
