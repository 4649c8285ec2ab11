import ChorusAgents
import ChorusGraph
import ChorusTUI

/// What a thread waits for before its run goes on.
public enum PendingInput: Sendable, Equatable {
    /// A tool that can change things waits for y / n / a.
    case approval(PendingApproval)
    /// A graph's `interrupt()` shows this and waits for a typed answer.
    case question(String)

    /// An interrupt's value as one line: its text, or its JSON.
    public static func prompt(_ value: Value) -> String {
        SafeText.sanitize(value.stringValue ?? JSON.serialize(value), keepNewlines: false)
    }
}

/// The user's answer to a `PendingInput`.
public enum InputAnswer: Sendable, Equatable {
    case approval(ToolApproval.Answer)
    case text(String)

    /// What the run is resumed with (`Command(resume:)`).
    public var resumeValue: Value {
        switch self {
        case .approval(let verdict): .string(verdict.rawValue)
        case .text(let text): .string(text)
        }
    }
}
