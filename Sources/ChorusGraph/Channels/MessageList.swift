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

    /// Reads a message as LangChain's `convert_to_messages` does: a string is a
    /// human message; a dict needs `role` (or `type`) and `content` (None is
    /// read as ""), and its role must be one LangChain knows. Normalises `role`
    /// to `type` and gives an id to a message without one; anything else is
    /// refused with LangChain's error.
    public static func coerce(_ value: Value) throws -> Value {
        guard case .object(var o) = value else {
            if case .string(let text) = value {
                return .object(["type": "human", "content": .string(text), "id": .string(UUID().uuidString.lowercased())])
            }
            throw GraphError.messageCoercion(.notImplemented, "Unsupported message type: <class '\(PythonAdd.typeName(value))'>")
        }
        guard let kind = o.removeValue(forKey: "role") ?? o["type"], o["content"] != nil else {
            throw GraphError.messageCoercion(.valueError, "Message dict must contain 'role' and 'content' keys, got \(PythonText.repr(value))")
        }
        switch kind.stringValue {
        case "user", "human": o["type"] = "human"
        case "assistant", "ai", "AIMessageChunk": o["type"] = "ai"
        case "system", "developer": o["type"] = "system"
        case "tool": o["type"] = "tool"
        case "remove": o["type"] = "remove"
        default:
            throw GraphError.messageCoercion(.valueError, "Unexpected message type: \(PythonText.repr(kind)). Use one of 'human', 'user', "
                + "'ai', 'assistant', 'function', 'tool', 'system', or 'developer'.")
        }
        if o["content"] == .null { o["content"] = "" }
        if o["id"] == nil || o["id"] == .null { o["id"] = .string(UUID().uuidString.lowercased()) }
        return .object(o)
    }

    /// `add_messages(left, right)`: messages whose id exists replace it in
    /// place, `type: remove` deletes by id, others are appended in order.
    public static func add(_ left: Value, _ right: Value) throws -> Value {
        var list = Accumulator(restoring: left)
        try list.add(right)
        return list.value
    }

    /// A message list that `add_messages` folds into in place. The index
    /// from message id to position is kept between writes, and between runs
    /// in `IndexedLists`: adding a message to a list of 5,000 costs what
    /// adding it to a list of 10 does.
    struct Accumulator: Sendable {
        private(set) var items: [Value]
        /// Whether every item is known to be a coerced message (saved lists
        /// are checked on their first write, not on restore).
        private var coerced: Bool

        init(restoring saved: Value) {
            items = saved.arrayValue ?? [saved]
            coerced = items.isEmpty
        }

        var value: Value { .array(items) }

        /// Folds one write (a message or a list of them) into the list.
        mutating func add(_ right: Value) throws {
            let incoming = try (right.arrayValue ?? [right]).map(MessageList.coerce)
            var positions: [String: Int]
            if let known = IndexedLists.shared.take(items) {
                positions = known
            } else {
                if !coerced { items = try items.map(MessageList.coerce) }
                positions = Self.index(items)
            }
            coerced = true
            if let clearAt = incoming.lastIndex(where: { $0["type"] == "remove" && $0["id"] == .string(removeAll) }) {
                items = Array(incoming[(clearAt + 1)...])
                return
            }
            try Self.checkRemovals(incoming, known: positions)
            var toRemove: Set<String> = []
            for m in incoming {
                let id = m["id"]?.stringValue ?? ""
                let isRemoval = m["type"] == "remove"
                if let existing = positions[id] {
                    if isRemoval {
                        toRemove.insert(id)
                    } else {
                        toRemove.remove(id)
                        items[existing] = m
                    }
                } else {
                    positions[id] = items.count
                    items.append(m)
                }
            }
            if toRemove.isEmpty {
                IndexedLists.shared.keep(items, positions)
            } else {
                items.removeAll { toRemove.contains($0["id"]?.stringValue ?? "") }
            }
        }

        private static func index(_ items: [Value]) -> [String: Int] {
            var positions: [String: Int] = [:]
            positions.reserveCapacity(items.count)
            for (i, m) in items.enumerated() {
                if let id = m["id"]?.stringValue { positions[id] = i }
            }
            return positions
        }

        /// Throws, before anything changes, when a write removes an id that
        /// neither the list nor the write itself holds.
        private static func checkRemovals(_ incoming: [Value], known: [String: Int]) throws {
            var added: Set<String> = []
            for m in incoming {
                let id = m["id"]?.stringValue ?? ""
                if known[id] != nil || added.contains(id) { continue }
                if m["type"] == "remove" {
                    throw GraphError(.valueError, "Attempting to delete a message with an ID that doesn't exist ('\(id)')")
                }
                added.insert(id)
            }
        }
    }
}
