import ChorusGraph
import Foundation

/// A conversation or research run as the thread list shows it.
public struct ThreadRecord: Sendable, Equatable {
    public var id: String
    /// Set by the user, or taken from the first user message; nil until either.
    public var title: String?
    public var kind: ThreadKind
    public var provider: String?
    public var model: String?
    public var archived: Bool
    /// Messages in the thread's latest checkpoint.
    public var messageCount: Int
    public var createdAt: Date
    public var updatedAt: Date
    /// What a client attached to the thread (a JSON object; `[:]` when none).
    public var metadata: [String: Value]

    public init(id: String, title: String?, kind: ThreadKind, provider: String?, model: String?, archived: Bool, messageCount: Int,
                createdAt: Date, updatedAt: Date, metadata: [String: Value] = [:]) {
        self.id = id
        self.title = title
        self.kind = kind
        self.provider = provider
        self.model = model
        self.archived = archived
        self.messageCount = messageCount
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.metadata = metadata
    }

    /// The title to show: the title, else "New thread".
    public var displayTitle: String { title ?? "New thread" }
}

/// A message that matched a search.
public struct SearchHit: Sendable, Equatable {
    public var threadId: String
    public var messageId: String
    public var role: String
    /// The matched text with the match between `[` and `]`, trimmed around it.
    public var snippet: String

    public init(threadId: String, messageId: String, role: String, snippet: String) {
        self.threadId = threadId
        self.messageId = messageId
        self.role = role
        self.snippet = snippet
    }
}
