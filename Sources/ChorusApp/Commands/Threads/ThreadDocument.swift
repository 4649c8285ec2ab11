import ChorusGraph
import ChorusStore
import ChorusTUI
import Foundation

/// A saved thread as `threads show` and `threads export` print it: plain
/// text, Markdown or a JSON object. Every title and message is stripped of
/// control and escape sequences first.
public struct ThreadDocument: Sendable {
    public var record: ThreadRecord
    public var messages: [Message]

    /// One message of the transcript (tool traffic left out), or a compaction.
    public struct Message: Sendable, Equatable {
        /// `user`, `assistant`, or `compaction` (where the conversation was compacted to fit the model's window).
        public var role: String
        public var id: String
        public var text: String
        /// `cancelled` (stopped by Esc, a signal or quitting) or `failed`; nil when complete.
        public var status: String?
        /// For a compaction: what it covered.
        public var compacted: TranscriptEntry.CompactedRange?
    }

    /// Output formats of `threads show` and `threads export`.
    public enum Format: String, Sendable, CaseIterable {
        case text, markdown, json
    }

    /// The thread's conversation, mapped as the app's transcript maps it
    /// (tool calls and notices left out), so both read the same.
    public static func load(_ record: ThreadRecord, from backend: any ThreadBackend) async throws -> ThreadDocument {
        let messages = try await backend.transcript(record.id).compactMap { entry -> Message? in
            switch entry.role {
            case .user: return Message(role: "user", id: entry.id, text: entry.text, status: nil)
            case .assistant:
                let status: String? = switch entry.status {
                case .cancelled: "cancelled"
                case .failed: "failed"
                case .done, .streaming: nil
                }
                return Message(role: "assistant", id: entry.id, text: entry.text, status: status)
            case .compaction: return Message(role: "compaction", id: entry.id, text: entry.text, status: nil, compacted: entry.compacted)
            case .tool, .notice: return nil
            }
        }
        return ThreadDocument(record: record, messages: messages)
    }

    var title: String { SafeText.sanitize(record.displayTitle, keepNewlines: false) }

    private func label(_ m: Message) -> String {
        switch m.role {
        case "user": "You"
        case "compaction": "Compacted"
        default: SafeText.sanitize(record.provider ?? "assistant", keepNewlines: false)
        }
    }

    private func marker(_ m: Message) -> String { m.status.map { " [\(SafeText.sanitize($0, keepNewlines: false))]" } ?? "" }

    /// The document in `format`, ending with a newline.
    public func rendered(_ format: Format) -> String {
        switch format {
        case .text:
            var out = "\(title)  (\(record.id), \(record.kind), \(messages.count) messages)\n"
            for m in messages { out += "\n\(label(m)):\(marker(m))\n\(m.text)\n" }
            return out
        case .markdown:
            var out = "# \(title)\n\n`\(record.id)` · \(record.kind) · \(Self.date(record.updatedAt))\n"
            for m in messages { out += "\n## \(label(m))\(marker(m))\n\n\(m.text)\n" }
            return out
        case .json:
            return JSON.serialize(jsonValue) + "\n"
        }
    }

    /// The thread's fields and its `messages`: `{"kind": "message", "role", "id", "content", "status"}`, and
    /// where the conversation was compacted `{"kind": "compaction", "id", "covered", "through", "strategy", "content"}`.
    public var jsonValue: Value {
        [
            "id": .string(record.id), "title": record.title.map { .string(SafeText.sanitize($0, keepNewlines: false)) } ?? .null,
            "kind": .string(record.kind.rawValue), "provider": record.provider.map { .string(SafeText.sanitize($0, keepNewlines: false)) } ?? .null,
            "created_at": .double(record.createdAt.timeIntervalSince1970), "updated_at": .double(record.updatedAt.timeIntervalSince1970),
            "archived": .bool(record.archived),
            "messages": .array(messages.map { m in
                guard let range = m.compacted else {
                    return ["kind": "message", "role": .string(m.role), "id": .string(m.id), "content": .string(m.text),
                            "status": m.status.map(Value.string) ?? .null]
                }
                return ["kind": "compaction", "id": .string(m.id), "covered": .int(range.count), "through": .string(range.through),
                        "strategy": range.summarized ? "summarize" : "trim", "content": .string(m.text)]
            }),
        ]
    }

    private static func date(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        return formatter.string(from: date)
    }
}
