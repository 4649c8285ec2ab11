import ChorusGraph
import Foundation
import GRDB

/// Keeps the thread list and the search index in step with checkpoints,
/// inside the checkpoint's own transaction. Both are derived data: the
/// transcript itself is always read from the latest checkpoint.
///
/// A checkpoint updates them from what changed only: a new message is
/// indexed once, an edited one re-indexed, a removed one dropped.
enum ThreadIndex {
    /// A checkpoint that did not change the messages.
    static func touched(_ db: Database, threadId: String) throws {
        try db.cachedStatement(sql: "UPDATE threads SET updated_at = ? WHERE id = ?").execute(arguments: [Date().timeIntervalSince1970, threadId])
    }

    /// A checkpoint whose messages (now `count` long, `all`) gained or
    /// replaced `added` and lost `removed`.
    static func messagesChanged(_ db: Database, threadId: String, count: Int, added: [Value], removed: ArraySlice<Value>, all: [Value]) throws {
        try db.cachedStatement(sql: "UPDATE threads SET updated_at = ?, message_count = ? WHERE id = ?")
            .execute(arguments: [Date().timeIntervalSince1970, count, threadId])
        var addedIds: Set<String> = []
        for message in added {
            guard let id = message["id"]?.stringValue else { continue }
            addedIds.insert(id)
            try index(db, threadId: threadId, id: id, message: message)
        }
        for message in removed {
            guard let id = message["id"]?.stringValue, !addedIds.contains(id) else { continue }
            try db.execute(sql: "DELETE FROM message_index WHERE thread_id = ? AND message_id = ?", arguments: [threadId, id])
        }
        try nameUntitled(db, threadId: threadId, messages: all)
    }

    /// Rebuilds a thread's index entries from its whole message list.
    static func reindex(_ db: Database, threadId: String, messages: [Value]) throws {
        try db.execute(sql: "UPDATE threads SET updated_at = ?, message_count = ? WHERE id = ?",
                       arguments: [Date().timeIntervalSince1970, messages.count, threadId])
        var present: Set<String> = []
        for message in messages {
            guard let id = message["id"]?.stringValue else { continue }
            present.insert(id)
            try index(db, threadId: threadId, id: id, message: message)
        }
        let indexed = try String.fetchAll(db, sql: "SELECT message_id FROM message_index WHERE thread_id = ?", arguments: [threadId])
        for gone in indexed where !present.contains(gone) {
            try db.execute(sql: "DELETE FROM message_index WHERE thread_id = ? AND message_id = ?", arguments: [threadId, gone])
        }
        try nameUntitled(db, threadId: threadId, messages: messages)
    }

    private static func index(_ db: Database, threadId: String, id: String, message: Value) throws {
        let upsert = try db.cachedStatement(sql: """
            INSERT INTO message_index (thread_id, message_id, role, content) VALUES (?, ?, ?, ?)
            ON CONFLICT (thread_id, message_id) DO UPDATE SET role = excluded.role, content = excluded.content
            WHERE content != excluded.content OR role != excluded.role
            """)
        try upsert.execute(arguments: [threadId, id, message["type"]?.stringValue ?? "unknown", ThreadText.plain(message["content"] ?? .null)])
    }

    /// Titles a thread that has no title yet after its first human message.
    private static func nameUntitled(_ db: Database, threadId: String, messages: [Value]) throws {
        guard let first = messages.first(where: { $0["type"] == "human" }) else { return }
        let text = ThreadText.plain(first["content"] ?? .null)
        guard !text.isEmpty else { return }
        try db.cachedStatement(sql: "UPDATE threads SET title = ? WHERE id = ? AND title IS NULL").execute(arguments: [ThreadText.title(from: text), threadId])
    }
}
