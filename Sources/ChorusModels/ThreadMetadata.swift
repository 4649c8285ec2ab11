import ChorusGraph

/// What Chorus keeps in a LangGraph thread's metadata, typed: the title it
/// shows, the kind of thread, the assistant that answers in it and whether it
/// is archived. The wire keys live here and nowhere else.
public struct ThreadMetadata: Sendable, Equatable {
    public var title: String?
    /// `research` for a research thread; nil for a chat.
    public var kind: String?
    /// The assistant the app runs in the thread (`chorus_assistant`), else the graph the server says (`graph_id`).
    public var assistant: String?
    public var archived: Bool

    public init(title: String? = nil, kind: String? = nil, assistant: String? = nil, archived: Bool = false) {
        self.title = title
        self.kind = kind
        self.assistant = assistant
        self.archived = archived
    }

    /// Reads a thread's metadata; keys that are missing or of another type read as unset.
    public init(wire: [String: Value]) {
        self.init(title: wire[Key.title]?.stringValue, kind: wire[Key.kind]?.stringValue,
                  assistant: wire[Key.assistant]?.stringValue ?? wire[Key.graphId]?.stringValue, archived: wire[Key.archived] == .bool(true))
    }

    /// The keys this sets, to send in a create or a (merging) update.
    public var wire: [String: Value] {
        var o: [String: Value] = [:]
        if let title { o[Key.title] = .string(title) }
        if let kind { o[Key.kind] = .string(kind) }
        if let assistant { o[Key.assistant] = .string(assistant) }
        if archived { o[Key.archived] = true }
        return o
    }

    /// Only `archived`, as an update that sets it either way.
    public static func archiving(_ archived: Bool) -> [String: Value] { [Key.archived: .bool(archived)] }

    private enum Key {
        static let title = "title", kind = "chorus_kind", assistant = "chorus_assistant", graphId = "graph_id", archived = "archived"
    }
}
