import ChorusGraph
import ChorusModels
import ChorusRuns
import ChorusTUI
import Foundation

/// Saved messages (from the store or a server, read by `ChatMessage`'s one codec) as transcript entries, sanitized for the screen.
public enum TranscriptMapping {
    /// The conversation, tool calls as tool blocks; `label` names the assistant's entries. A model
    /// call that only asked for tools has no entry of its own: its tokens and cost go on its first tool block.
    public static func entries(_ messages: [ChatMessage], label: String) -> [TranscriptEntry] {
        var calls: [String: ToolCall] = [:]
        var unshown: ChatMessage?
        return messages.compactMap { message in
            for call in message.toolCalls { calls[call.id] = call }
            if message.role == .tool {
                let call = message.toolCallId.flatMap { calls[$0] }
                var block = toolEntry(id: message.id.isEmpty ? UUID().uuidString : message.id, name: call?.name ?? "tool",
                                      arguments: call?.arguments ?? .null, result: message.content)
                if let asked = unshown {
                    (block.tokens, block.costUSD) = (asked.usage.map { $0.inputTokens + $0.outputTokens }, asked.costUSD)
                    unshown = nil
                }
                return block
            }
            let shown = entry(message, label: label)
            if shown == nil, message.role == .assistant, message.usage != nil { unshown = message }
            return shown
        }
    }

    /// A tool call as a transcript block: arguments on the first line, then the result.
    public static func toolEntry(id: String, name: String, arguments: Value, result: String?, status: TranscriptEntry.Status = .done) -> TranscriptEntry {
        var text = SafeText.sanitize(JSON.serialize(arguments), keepNewlines: false)
        if let result { text += "\n" + SafeText.sanitize(result) }
        return TranscriptEntry(id: id, role: .tool, label: "⚙ " + SafeText.sanitize(name, keepNewlines: false), text: text, status: status)
    }

    public static func entry(_ message: ChatMessage, label: String) -> TranscriptEntry? {
        let id = message.id.isEmpty ? UUID().uuidString : message.id
        let content = SafeText.sanitize(message.content)
        switch message.role {
        case .user:
            return TranscriptEntry(id: id, role: .user, label: "You", text: content)
        case .assistant:
            if content.isEmpty, !message.toolCalls.isEmpty { return nil }
            let status: TranscriptEntry.Status = switch message.status {
            case .cancelled: .cancelled
            case .failed(let error): .failed(error)
            case .complete: .done
            }
            var entry = TranscriptEntry(id: id, role: .assistant, label: label, text: content, status: status)
            entry.tokens = message.usage.map { $0.inputTokens + $0.outputTokens }
            entry.costUSD = message.costUSD
            return entry
        case .system:
            guard let compaction = message.compaction else { return nil }
            var entry = compactionEntry(compaction, id: id, summary: content)
            entry.tokens = message.usage.map { $0.inputTokens + $0.outputTokens }
            entry.costUSD = message.costUSD
            return entry
        case .tool:
            return nil
        }
    }

    /// What the model calls of `entries` (replies and compactions' summaries) spent, added up.
    public static func spent(_ entries: [TranscriptEntry]) -> UsageTally {
        entries.reduce(into: UsageTally()) { total, entry in
            guard let tokens = entry.tokens else { return }
            total.add(RunUsage(node: nil, inputTokens: tokens, outputTokens: 0, costUSD: entry.costUSD))
        }
    }

    /// A compaction marker: what it covered, then (summarized) the summary the model is sent from here on.
    static func compactionEntry(_ compaction: Compaction, id: String, summary: String) -> TranscriptEntry {
        let summarized = compaction.strategy == .summarize
        let what = "the \(compaction.covered) messages above this point " + (summarized
            ? "are sent to the model as this summary from here on (the thread keeps them all):"
            : "are no longer sent to the model (trimmed; the thread keeps them all)")
        return TranscriptEntry(id: id, role: .compaction, label: "⋯ compacted", text: what + (summarized && !summary.isEmpty ? "\n" + summary : ""),
                               compacted: .init(through: compaction.through, count: compaction.covered, summarized: summarized))
    }
}
