import ChorusGraph
import Foundation

/// Where a server keeps its threads: `ThreadStore` (SQLite, one machine) or
/// the PostgreSQL store (several `chorus serve` instances on one database).
public protocol ThreadRepository: Sendable {
    @discardableResult
    func create(id: String, title: String?, kind: ThreadKind, provider: String?, model: String?,
                metadata: [String: Value]) async throws -> ThreadRecord
    func get(_ id: String) async throws -> ThreadRecord?
    /// Adds `metadata` to the thread's (a key given replaces the old value) and,
    /// when given, sets its kind; returns the thread as it now is.
    @discardableResult
    func annotate(_ id: String, metadata: [String: Value], kind: ThreadKind?) async throws -> ThreadRecord
    /// Threads whose metadata holds every key of `metadata` with an equal
    /// value, most recently active first: one page and the total that matched.
    func find(metadata: [String: Value], limit: Int, offset: Int) async throws -> (threads: [ThreadRecord], total: Int)
    /// Deletes the thread and everything saved for it.
    func delete(_ id: String) async throws
    /// Messages whose text contains every word of `query`, newest first.
    func search(_ query: String, limit: Int) async throws -> [SearchHit]
}

extension ThreadRepository {
    /// A new chat thread with `metadata`.
    @discardableResult
    public func create(id: String, metadata: [String: Value] = [:]) async throws -> ThreadRecord {
        try await create(id: id, title: nil, kind: .chat, provider: nil, model: nil, metadata: metadata)
    }

    @discardableResult
    public func annotate(_ id: String, metadata: [String: Value]) async throws -> ThreadRecord {
        try await annotate(id, metadata: metadata, kind: nil)
    }
}

/// A checkpointer that can undo a run: what a server needs for `rollback`.
public protocol RewindableCheckpointer: Checkpointer {
    /// Removes the checkpoints (values, pending writes) a thread got at or
    /// after `date`, as if the run that wrote them never happened.
    func deleteCheckpoints(threadId: String, since date: Date) async throws
}

extension ThreadStore: ThreadRepository {}
extension SQLiteCheckpointer: RewindableCheckpointer {}
