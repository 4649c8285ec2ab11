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
    public func create(id: String = UUID().uuidString.lowercased(), title: String? = nil, kind: ThreadKind = .chat,
                       provider: String? = nil, model: String? = nil, metadata: [String: Value] = [:]) async throws -> ThreadRecord {
        let now = Date()
        let record = ThreadRecord(id: id, title: title, kind: kind, provider: provider, model: model, archived: false,
                                  messageCount: 0, createdAt: now, updatedAt: now, metadata: metadata)
        try await database.pool.write { db in
            try db.execute(sql: """
                INSERT INTO threads (id, title, kind, provider, model, archived, message_count, created_at, updated_at, metadata_json)
                VALUES (?, ?, ?, ?, ?, 0, 0, ?, ?, ?)
                """, arguments: [id, title, kind.rawValue, provider, model, now.timeIntervalSince1970, now.timeIntervalSince1970,
                                 JSON.serialize(.object(metadata))])
        }
        return record
    }

    /// Adds `metadata` to the thread's (a key given replaces the old value) and,
    /// when given, sets its kind; returns the thread as it now is.
    @discardableResult
    public func annotate(_ id: String, metadata: [String: Value], kind: ThreadKind? = nil) async throws -> ThreadRecord {
        try await database.pool.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT \(Self.columns) FROM threads WHERE id = ?", arguments: [id]) else {
                throw ThreadNotFound(id: id)
            }
            var record = Self.record(row)
            record.metadata.merge(metadata) { _, new in new }
            if let kind { record.kind = kind }
            try db.execute(sql: "UPDATE threads SET metadata_json = ?, kind = ? WHERE id = ?",
                           arguments: [JSON.serialize(.object(record.metadata)), record.kind.rawValue, id])
            return record
        }
    }

    /// Threads whose metadata holds every key of `metadata` with an equal
    /// value, most recently active first: one page and the total that matched.
    public func find(metadata: [String: Value], limit: Int, offset: Int) async throws -> (threads: [ThreadRecord], total: Int) {
        let all = try await list(includeArchived: true)
        let matching = all.filter { record in metadata.allSatisfy { record.metadata[$0.key] == $0.value } }
        return (Array(matching.dropFirst(max(0, offset)).prefix(max(0, limit))), matching.count)
    }

    public func get(_ id: String) async throws -> ThreadRecord? {
        try await database.pool.read { db in
            try Row.fetchOne(db, sql: "SELECT \(Self.columns) FROM threads WHERE id = ?", arguments: [id]).map(Self.record)
        }
    }

    /// Threads whose id starts with `prefix`, most recently active first, at most `limit`.
    public func threads(idPrefix prefix: String, limit: Int = 10) async throws -> [ThreadRecord] {
        try await database.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT \(Self.columns) FROM threads WHERE instr(id, ?) = 1 ORDER BY updated_at DESC LIMIT ?",
                             arguments: [prefix, max(0, limit)]).map(Self.record)
        }
    }

    /// Threads, most recently active first.
    public func list(includeArchived: Bool = false, limit: Int? = nil) async throws -> [ThreadRecord] {
        try await database.pool.read { db in
            var sql = "SELECT \(Self.columns) FROM threads"
            if !includeArchived { sql += " WHERE archived = 0" }
            sql += " ORDER BY updated_at DESC"
            if let limit { sql += " LIMIT \(max(0, limit))" }
            var records: [ThreadRecord] = []
            let rows = try Row.fetchCursor(db, sql: sql)
            while let row = try rows.next() { records.append(Self.record(row)) }
            return records
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
            try SQLiteCheckpointer.deleteSaved(db, threadId: id)
            try db.execute(sql: "DELETE FROM drafts WHERE thread_key = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM served_runs WHERE thread_id = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM threads WHERE id = ?", arguments: [id])
        }
    }

    /// Unsent input by conversation.
    public func drafts() async throws -> [ThreadKey: String] {
        try await database.pool.read { db in
            var drafts: [ThreadKey: String] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT thread_key, text FROM drafts") { drafts[ThreadKey(storedKey: row[0])] = row[1] }
            return drafts
        }
    }

    /// Keeps `text` as the unsent input of `key`; empty text removes it.
    public func saveDraft(_ text: String, for key: ThreadKey) async throws {
        let threadKey = key.storedKey
        try await database.pool.write { db in
            if text.isEmpty {
                try db.execute(sql: "DELETE FROM drafts WHERE thread_key = ?", arguments: [threadKey])
            } else {
                try db.execute(sql: """
                    INSERT INTO drafts (thread_key, text, updated_at) VALUES (?, ?, ?)
                    ON CONFLICT (thread_key) DO UPDATE SET text = excluded.text, updated_at = excluded.updated_at
                    """, arguments: [threadKey, text, Date().timeIntervalSince1970])
            }
        }
    }

    /// The thread's messages, read from its latest checkpoint (the only copy
    /// of a transcript; the search index is derived from it).
    public func transcript(_ id: String, messagesKey: String = "messages") async throws -> [Value] {
        let latest = try await SQLiteCheckpointer(database: database, messagesKey: messagesKey).get(threadId: id, namespace: "", id: nil)
        return latest?.checkpoint.channelValues[messagesKey]?.arrayValue ?? []
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

    /// Columns read into a `ThreadRecord`, in the order `record` reads them by position.
    static let columns = "id, title, kind, provider, model, archived, message_count, created_at, updated_at, metadata_json"

    static func record(_ row: Row) -> ThreadRecord {
        ThreadRecord(
            id: row[0], title: row[1], kind: ThreadKind(rawValue: row[2]), provider: row[3], model: row[4],
            archived: row[5], messageCount: row[6],
            createdAt: Date(timeIntervalSince1970: row[7]), updatedAt: Date(timeIntervalSince1970: row[8]),
            metadata: (try? JSON.parse(row[9] as String))?.objectValue ?? [:])
    }
}

/// No thread has this id.
public struct ThreadNotFound: Error, CustomStringConvertible, Sendable {
    public let id: String

    public init(id: String) {
        self.id = id
    }

    public var description: String { "no thread with id \(id)" }
}
