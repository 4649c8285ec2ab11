import ChorusGraph
import ChorusModels
import ChorusTUI
import Foundation

/// Saved messages (LangChain's shapes, from the store or a server) as transcript entries, sanitized for the screen.
enum TranscriptMapping {
    /// The conversation, tool calls as tool blocks; `label` names the assistant's entries.
    static func entries(_ messages: [Value], label: String) -> [TranscriptEntry] {
        var calls: [String: ToolCall] = [:]
        return messages.compactMap { message in
            for call in ChatMessage(value: message)?.toolCalls ?? [] { calls[call.id] = call }
            if message["type"]?.stringValue == "tool" || message["role"]?.stringValue == "tool" {
                let call = message["tool_call_id"]?.stringValue.flatMap { calls[$0] }
                return toolEntry(id: message["id"]?.stringValue ?? UUID().uuidString, name: call?.name ?? "tool",
                                 arguments: call?.arguments ?? .null, result: ChatMessage.text(ofContent: message["content"]))
            }
            return entry(message, label: label)
        }
    }

    /// A tool call as a transcript block: arguments on the first line, then the result.
    static func toolEntry(id: String, name: String, arguments: Value, result: String?, status: TranscriptEntry.Status = .done) -> TranscriptEntry {
        var text = SafeText.sanitize(JSON.serialize(arguments), keepNewlines: false)
        if let result { text += "\n" + SafeText.sanitize(result) }
        return TranscriptEntry(id: id, role: .tool, label: "⚙ " + SafeText.sanitize(name, keepNewlines: false), text: text, status: status)
    }

    static func entry(_ message: Value, label: String) -> TranscriptEntry? {
        let type = message["type"]?.stringValue ?? message["role"]?.stringValue ?? ""
        let id = message["id"]?.stringValue ?? UUID().uuidString
        let content = SafeText.sanitize(ChatMessage.text(ofContent: message["content"]))
        switch type {
        case "human", "user":
            return TranscriptEntry(id: id, role: .user, label: "You", text: content)
        case "ai", "assistant", "AIMessageChunk":
            if content.isEmpty, message["tool_calls"]?.arrayValue?.isEmpty == false { return nil }
            let status: TranscriptEntry.Status = switch ChatMessage(value: message)?.status {
            case .cancelled?: .cancelled
            case .failed(let error)?: .failed(error)
            case .complete?, nil: .done
            }
            return TranscriptEntry(id: id, role: .assistant, label: label, text: content, status: status)
        default:
            return nil
        }
    }
}
