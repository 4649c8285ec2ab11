import ChorusGraph
import Foundation
import GRDB

/// Keeps the thread list and the search index in step with checkpoints,
/// inside the checkpoint's own transaction. Both are derived data: the
/// transcript itself is always read from the latest checkpoint.
enum ThreadIndex {
    static let titleLength = 60

    static func checkpointWritten(_ db: Database, threadId: String, messages: Value?) throws {
        let now = Date().timeIntervalSince1970
        guard let list = messages?.arrayValue else {
            try db.execute(sql: "UPDATE threads SET updated_at = ? WHERE id = ?", arguments: [now, threadId])
            return
        }
        try db.execute(sql: "UPDATE threads SET updated_at = ?, message_count = ? WHERE id = ?", arguments: [now, list.count, threadId])
        let upsert = try db.cachedStatement(sql: """
            INSERT INTO message_index (thread_id, message_id, role, content) VALUES (?, ?, ?, ?)
            ON CONFLICT (thread_id, message_id) DO UPDATE SET role = excluded.role, content = excluded.content
            WHERE content != excluded.content OR role != excluded.role
            """)
        var ids: [String] = []
        var firstUserText: String?
        for message in list {
            guard let id = message["id"]?.stringValue else { continue }
            let role = message["type"]?.stringValue ?? "unknown"
            let text = plainText(message["content"] ?? .null)
            if role == "human" && firstUserText == nil { firstUserText = text }
            ids.append(id)
            try upsert.execute(arguments: [threadId, id, role, text])
        }
        let present = Set(ids)
        let indexed = try String.fetchAll(db, sql: "SELECT message_id FROM message_index WHERE thread_id = ?", arguments: [threadId])
        for gone in indexed where !present.contains(gone) {
            try db.execute(sql: "DELETE FROM message_index WHERE thread_id = ? AND message_id = ?", arguments: [threadId, gone])
        }
        if let firstUserText, !firstUserText.isEmpty {
            try db.execute(sql: "UPDATE threads SET title = ? WHERE id = ? AND title IS NULL", arguments: [title(from: firstUserText), threadId])
        }
    }

    /// Text of a message's content: a string, or the text parts of a list.
    static func plainText(_ content: Value) -> String {
        switch content {
        case .string(let s): return s
        case .array(let parts):
            return parts.compactMap { $0["text"]?.stringValue ?? $0.stringValue }.joined(separator: " ")
        default: return ""
        }
    }

    /// First line of the message, at most `titleLength` characters.
    static func title(from text: String) -> String {
        let line = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? text
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        return trimmed.count <= titleLength ? trimmed : String(trimmed.prefix(titleLength - 1)) + "…"
    }
}
