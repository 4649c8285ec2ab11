import ChorusGraph

/// The JSON lines of run updates as docs/run-updates.md writes them down:
/// for each event name, the keys every line of it has, on either backend.
enum RunUpdateSchema {
    static let common: Set<String> = ["event", "run_id", "ts"]

    static let keys: [String: Set<String>] = [
        "run_start": [],
        "node_start": ["node", "task", "step"],
        "node_end": ["node", "task", "step", "error"],
        "token": ["text", "message_id", "node", "step", "task", "part", "branch"],
        "branch_start": ["branch", "node", "task"],
        "branches_done": [],
        "tool_start": ["id", "name", "input", "task"],
        "tool_end": ["id", "name", "output", "duration_ms", "task"],
        "retry": ["node", "task", "attempt", "max_attempts", "delay", "message", "whole_node"],
        "usage": ["node", "input_tokens", "output_tokens", "cached_input_tokens", "reasoning_tokens", "context_window", "cost_usd"],
        "interrupt": ["values"],
        "custom": ["node", "task", "data"],
        "warning": ["message"],
        "rejoin": ["attempt", "max_attempts", "message"],
        "run_end": [],
        "run_error": ["message"],
        "final": ["thread_id", "answer", "findings", "usage"],
    ]

    /// What is wrong with a line: an unknown event, or keys missing or extra; nil when it follows the schema.
    static func violation(_ line: Value) -> String? {
        guard let event = line["event"]?.stringValue, let expected = keys[event] else { return "unknown event in \(JSON.serialize(line))" }
        let found = Set(line.objectValue?.keys.map { $0 } ?? [])
        let wanted = expected.union(common)
        return found == wanted ? nil : "\(event): missing \(wanted.subtracting(found).sorted()), extra \(found.subtracting(wanted).sorted())"
    }
}
