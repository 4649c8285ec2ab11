/// Which conversation is meant: a saved thread, or the draft, the
/// conversation a user types into before its first send saves it.
public enum ThreadKey: Hashable, Sendable, CustomStringConvertible {
    case draft
    case thread(String)

    /// The saved thread's id; nil for the draft.
    public var threadId: String? {
        if case .thread(let id) = self { return id }
        return nil
    }

    public var isDraft: Bool { self == .draft }

    /// How the `drafts` table keys it: the thread's id, or `""` for the draft.
    var storedKey: String { threadId ?? "" }

    init(storedKey: String) {
        self = storedKey.isEmpty ? .draft : .thread(storedKey)
    }

    public var description: String { threadId ?? "(draft)" }
}
