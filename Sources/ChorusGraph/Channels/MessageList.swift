import Foundation

/// Chat messages as state values and the `add_messages` rule that merges them.
///
/// A message is an object with `type` (`human`, `ai`, `system`, `tool`, or
/// `AIMessageChunk` while streaming), `content` and `id`, plus optional fields
/// such as `tool_call_id` or `tool_calls`. Input in OpenAI style (`role`) is
/// accepted and normalised.
public enum MessageList {
    /// Message types recognised as chat messages.
    public static let messageTypes: Set<String> = ["human", "ai", "system", "tool", "AIMessageChunk", "remove"]

    /// Sentinel id that clears the whole list when removed.
    public static let removeAll = "__remove_all__"

    /// True when a value is shaped as a chat message.
    public static func isMessage(_ value: Value) -> Bool {
        guard case .object(let o) = value, let t = o["type"]?.stringValue else { return false }
        return messageTypes.contains(t) && o["content"] != nil
    }

    /// Normalises `role` to `type` and gives an id to a message without one.
    public static func coerce(_ value: Value) throws -> Value {
        guard case .object(var o) = value else {
            if case .string(let text) = value {
                return .object(["type": "human", "content": .string(text), "id": .string(UUID().uuidString.lowercased())])
            }
            throw GraphError(.valueError, "Unsupported message type: \(PythonAdd.typeName(value))")
        }
        if o["type"] == nil, let role = o.removeValue(forKey: "role")?.stringValue {
            switch role {
            case "user", "human": o["type"] = "human"
            case "assistant", "ai": o["type"] = "ai"
            case "system", "developer": o["type"] = "system"
            case "tool": o["type"] = "tool"
            default:
                throw GraphError(.valueError, "Unexpected message type: '\(role)'. Use one of 'human', 'user', 'ai', 'assistant', 'function', 'tool', 'system', or 'developer'.")
            }
        }
        guard let type = o["type"]?.stringValue, messageTypes.contains(type) else {
            throw GraphError(.valueError, "Message dict must contain 'role' and 'content' keys, got \(value)")
        }
        if type == "AIMessageChunk" { o["type"] = "ai" }
        if o["content"] == nil { o["content"] = "" }
        if o["id"] == nil || o["id"] == .null { o["id"] = .string(UUID().uuidString.lowercased()) }
        return .object(o)
    }

    /// `add_messages(left, right)`: messages whose id exists replace it in
    /// place, `type: remove` deletes by id, others are appended in order.
    public static func add(_ left: Value, _ right: Value) throws -> Value {
        let leftItems = try (left.arrayValue ?? [left]).map(coerce)
        let rightItems = try (right.arrayValue ?? [right]).map(coerce)
        if let clearAt = rightItems.lastIndex(where: { $0["type"] == "remove" && $0["id"] == .string(removeAll) }) {
            return .array(Array(rightItems[(clearAt + 1)...]))
        }
        var merged = leftItems
        var indexById: [String: Int] = [:]
        for (i, m) in merged.enumerated() {
            if let id = m["id"]?.stringValue { indexById[id] = i }
        }
        var toRemove: Set<String> = []
        for m in rightItems {
            let id = m["id"]?.stringValue ?? ""
            let isRemoval = m["type"] == "remove"
            if let existing = indexById[id] {
                if isRemoval {
                    toRemove.insert(id)
                } else {
                    toRemove.remove(id)
                    merged[existing] = m
                }
            } else {
                if isRemoval {
                    throw GraphError(.valueError, "Attempting to delete a message with an ID that doesn't exist ('\(id)')")
                }
                indexById[id] = merged.count
                merged.append(m)
            }
        }
        if !toRemove.isEmpty {
            merged.removeAll { toRemove.contains($0["id"]?.stringValue ?? "") }
        }
        return .array(merged)
    }
}
