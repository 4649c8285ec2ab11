import ChorusSettings
import ChorusTUI

/// `chorus threads delete ID [--yes]`: deletes a thread and everything saved
/// for it, after asking (unless `yes`).
public enum ThreadsDeleteCommand {
    /// Deletes the thread named by `reference`. Without `yes`, `confirm` is
    /// asked the question; it returns nil when it cannot ask (no terminal),
    /// and then nothing is deleted. Returns the deleted thread's id.
    public static func run(_ backend: any ThreadBackend, reference: String, yes: Bool,
                           confirm: (String) -> Bool?) async throws -> String {
        let record = try await backend.thread(reference)
        if !yes {
            let title = SafeText.sanitize(record.displayTitle, keepNewlines: false)
            switch confirm("Delete “\(title)” (\(record.id)) and all its messages? [y/N] ") {
            case nil: throw UsageError("not deleting \(record.id) without confirmation: standard input is not a terminal (pass --yes)")
            case false?: throw DeleteDeclined(id: record.id)
            case true?: break
            }
        }
        try await backend.delete(record.id)
        return record.id
    }
}

/// The user answered no to `threads delete`.
public struct DeleteDeclined: Error, CustomStringConvertible {
    public let id: String
    public var description: String { "kept \(id): not deleted" }
}
