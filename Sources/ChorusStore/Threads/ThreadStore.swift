import ChorusGraph
import Foundation
import GRDB

/// The threads of the database: create, list by activity, rename, archive,
/// delete (with all their checkpoints) and full-text search.
public final class ThreadStore: Sendable {
    let database: ChorusDatabase

    public init(database: ChorusDatabase) {
        self.database = database
    }

    @discardableResult
    public func create(id: String = UUID().uuidString.lowercased(), title: String? = nil, kind: String = "chat",
                       provider: String? = nil, model: String? = nil) async throws -> ThreadRecord {
        let now = Date()
        let record = ThreadRecord(id: id, title: title, kind: kind, provider: provider, model: model, archived: false,
                                  messageCount: 0, createdAt: now, updatedAt: now)
        try await database.pool.write { db in
            try db.execute(sql: """
                INSERT INTO threads (id, title, kind, provider, model, archived, message_count, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, 0, 0, ?, ?)
                """, arguments: [id, title, kind, provider, model, now.timeIntervalSince1970, now.timeIntervalSince1970])
        }
        return record
    }

    public func get(_ id: String) async throws -> ThreadRecord? {
        try await database.pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM threads WHERE id = ?", arguments: [id]).map(Self.record)
        }
    }

    /// Threads, most recently active first.
    public func list(includeArchived: Bool = false, limit: Int? = nil) async throws -> [ThreadRecord] {
        try await database.pool.read { db in
            var sql = "SELECT * FROM threads"
            if !includeArchived { sql += " WHERE archived = 0" }
            sql += " ORDER BY updated_at DESC, id"
            if let limit { sql += " LIMIT \(max(0, limit))" }
            return try Row.fetchAll(db, sql: sql).map(Self.record)
        }
    }

    public func rename(_ id: String, to title: String) async throws {
        try await update(id, sql: "UPDATE threads SET title = ? WHERE id = ?", [title, id])
    }

    public func setArchived(_ id: String, _ archived: Bool) async throws {
        try await update(id, sql: "UPDATE threads SET archived = ? WHERE id = ?", [archived, id])
    }

    public func setModel(_ id: String, provider: String?, model: String?) async throws {
        try await update(id, sql: "UPDATE threads SET provider = ?, model = ? WHERE id = ?", [provider, model, id])
    }

    /// Deletes the thread and everything saved for it.
    public func delete(_ id: String) async throws {
        try await database.pool.write { db in
            for table in ["checkpoints", "checkpoint_blobs", "checkpoint_writes", "message_index"] {
                try db.execute(sql: "DELETE FROM \(table) WHERE thread_id = ?", arguments: [id])
            }
            try db.execute(sql: "DELETE FROM threads WHERE id = ?", arguments: [id])
        }
    }

    /// Messages whose text contains every word of `query` (prefix match on
    /// the last word), newest first.
    public func search(_ query: String, limit: Int = 50) async throws -> [SearchHit] {
        guard let match = Self.ftsQuery(query) else { return [] }
        return try await database.pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT m.thread_id, m.message_id, m.role, snippet(message_search, 0, '[', ']', '…', 12) AS snippet
                FROM message_search JOIN message_index m ON m.rowid = message_search.rowid
                WHERE message_search MATCH ?
                ORDER BY message_search.rowid DESC LIMIT ?
                """, arguments: [match, limit]).map {
                SearchHit(threadId: $0["thread_id"], messageId: $0["message_id"], role: $0["role"], snippet: $0["snippet"])
            }
        }
    }

    /// User text as an FTS5 query: each word quoted (so no operator can be
    /// injected), the last one as a prefix.
    static func ftsQuery(_ text: String) -> String? {
        let words = text.split(whereSeparator: { $0.isWhitespace }).map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
        guard !words.isEmpty else { return nil }
        return words.dropLast().joined(separator: " ") + (words.count > 1 ? " " : "") + words.last! + "*"
    }

    private func update(_ id: String, sql: String, _ arguments: StatementArguments) async throws {
        try await database.pool.write { db in
            try db.execute(sql: sql, arguments: arguments)
            if db.changesCount == 0 { throw ThreadNotFound(id: id) }
        }
    }

    static func record(_ row: Row) -> ThreadRecord {
        ThreadRecord(
            id: row["id"], title: row["title"], kind: row["kind"], provider: row["provider"], model: row["model"],
            archived: row["archived"], messageCount: row["message_count"],
            createdAt: Date(timeIntervalSince1970: row["created_at"]), updatedAt: Date(timeIntervalSince1970: row["updated_at"]))
    }
}

/// No thread has this id.
public struct ThreadNotFound: Error, CustomStringConvertible, Sendable {
    public let id: String
    public var description: String { "no thread with id \(id)" }
}
