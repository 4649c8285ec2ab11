import Foundation
import ChorusGraph

/// How a thread's messages read in its list entry and search index, the same in every store.
public enum ThreadText {
    public static let titleLength = 60

    /// Text of a message's content: a string, or the text parts of a list.
    public static func plain(_ content: Value) -> String {
        switch content {
        case .string(let s): return s
        case .array(let parts):
            return parts.compactMap { $0["text"]?.stringValue ?? $0.stringValue }.joined(separator: " ")
        default: return ""
        }
    }

    /// First line of the message, at most `titleLength` characters.
    public static func title(from text: String) -> String {
        let line = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? text
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        return trimmed.count <= titleLength ? trimmed : String(trimmed.prefix(titleLength - 1)) + "…"
    }
}
