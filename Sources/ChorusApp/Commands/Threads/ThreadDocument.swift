import ChorusAppCore
import ChorusGraph
import ChorusRuns
import ChorusStore
import ChorusTUI
import Foundation

/// A saved thread as `threads show` and `threads export` print it: plain
/// text, Markdown or a JSON object. Every title and message is stripped of
/// control and escape sequences first.
public struct ThreadDocument: Sendable {
    public var record: ThreadRecord
    public var messages: [Message]
    /// What the thread's model calls spent: every reply's, tool round's and compaction's, added up.
    public var spent: UsageTally

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
        /// For a reply or a compaction's summary: the tokens of its model call (prompt and reply) and their cost, when known.
        public var tokens: Int?
        public var costUSD: Double?
    }


    /// Output formats of `threads show` and `threads export`.
    public enum Format: String, Sendable, CaseIterable {
        case text, markdown, json
    }

    /// The thread's conversation, mapped as the app's transcript maps it
    /// (tool calls and notices left out), so both read the same.
    public static func load(_ record: ThreadRecord, from backend: any ThreadBackend) async throws -> ThreadDocument {
        let entries = try await backend.transcript(record.id)
        let messages = entries.compactMap { entry -> Message? in
            switch entry.role {
            case .user: return Message(role: "user", id: entry.id, text: entry.text, status: nil)
            case .assistant:
                let status: String? = switch entry.status {
                case .cancelled: "cancelled"
                case .failed: "failed"
                case .done, .streaming: nil
                }
                return Message(role: "assistant", id: entry.id, text: entry.text, status: status, tokens: entry.tokens, costUSD: entry.costUSD)
            case .compaction:
                return Message(role: "compaction", id: entry.id, text: entry.text, status: nil, compacted: entry.compacted, tokens: entry.tokens,
                               costUSD: entry.costUSD)
            case .tool, .notice: return nil
            }
        }
        return ThreadDocument(record: record, messages: messages, spent: TranscriptMapping.spent(entries))
    }

    var title: String { SafeText.sanitize(record.displayTitle, keepNewlines: false) }

    private func label(_ m: Message) -> String {
        switch m.role {
        case "user": "You"
        case "compaction": "Compacted"
        default: SafeText.sanitize(record.provider ?? "assistant", keepNewlines: false)
        }
    }

    private func marker(_ m: Message) -> String {
        let status = m.status.map { " [\(SafeText.sanitize($0, keepNewlines: false))]" } ?? ""
        return status + (m.tokens.map { " (" + Self.spend(tokens: $0, usd: m.costUSD) + ")" } ?? "")
    }

    /// `1234 tokens, $0.0012`; the cost left out when unknown.
    static func spend(tokens: Int, usd: Double?) -> String {
        "\(tokens) tokens" + (usd.map { String(format: ", $%.4f", $0) } ?? "")
    }

    /// `, 3456 tokens, $0.0123` after the message count; empty when no call reported usage.
    private var spentSummary: String {
        let spent = self.spent
        return spent.calls > 0 ? ", " + Self.spend(tokens: spent.totalTokens, usd: spent.costUSD) : ""
    }

    /// The document in `format`, ending with a newline.
    public func rendered(_ format: Format) -> String {
        switch format {
        case .text:
            var out = "\(title)  (\(record.id), \(record.kind), \(messages.count) messages\(spentSummary))\n"
            for m in messages { out += "\n\(label(m)):\(marker(m))\n\(m.text)\n" }
            return out
        case .markdown:
            var out = "# \(title)\n\n`\(record.id)` · \(record.kind) · \(Self.date(record.updatedAt))\(spentSummary.isEmpty ? "" : " · " + spentSummary.dropFirst(2))\n"
            for m in messages { out += "\n## \(label(m))\(marker(m))\n\n\(m.text)\n" }
            return out
        case .json:
            return JSON.serialize(jsonValue) + "\n"
        }
    }

    /// The thread's fields, what its model calls spent (`tokens`, `cost_usd`: null when a call had no price),
    /// and its `messages`: `{"kind": "message", "role", "id", "content", "status", "tokens", "cost_usd"}`, and
    /// where the conversation was compacted `{"kind": "compaction", "id", "covered", "through", "strategy", "content", "tokens", "cost_usd"}`.
    public var jsonValue: Value {
        let spent = self.spent
        func number(_ n: Int?) -> Value { n.map(Value.int) ?? .null }
        func dollars(_ usd: Double?) -> Value { usd.map(Value.double) ?? .null }
        return [
            "id": .string(record.id), "title": record.title.map { .string(SafeText.sanitize($0, keepNewlines: false)) } ?? .null,
            "kind": .string(record.kind.rawValue), "provider": record.provider.map { .string(SafeText.sanitize($0, keepNewlines: false)) } ?? .null,
            "created_at": .double(record.createdAt.timeIntervalSince1970), "updated_at": .double(record.updatedAt.timeIntervalSince1970),
            "archived": .bool(record.archived),
            "tokens": .int(spent.totalTokens), "cost_usd": dollars(spent.costUSD),
            "messages": .array(messages.map { m in
                guard let range = m.compacted else {
                    return ["kind": "message", "role": .string(m.role), "id": .string(m.id), "content": .string(m.text),
                            "status": m.status.map(Value.string) ?? .null, "tokens": number(m.tokens), "cost_usd": dollars(m.costUSD)]
                }
                return ["kind": "compaction", "id": .string(m.id), "covered": .int(range.count), "through": .string(range.through),
                        "strategy": range.summarized ? "summarize" : "trim", "content": .string(m.text), "tokens": number(m.tokens),
                        "cost_usd": dollars(m.costUSD)]
            }),
        ]
    }

    private static func date(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        return formatter.string(from: date)
    }
}
