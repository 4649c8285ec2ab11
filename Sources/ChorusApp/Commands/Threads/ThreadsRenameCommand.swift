import ChorusSettings
import ChorusTUI

/// `chorus threads rename ID TITLE`.
public enum ThreadsRenameCommand {
    /// Renames the thread named by `reference`; returns its full id.
    public static func run(_ backend: any ThreadBackend, reference: String, title: String) async throws -> String {
        let clean = SafeText.sanitize(title, keepNewlines: false).trimmingCharacters(in: .whitespaces)
        guard !clean.isEmpty else { throw UsageError("the new title is empty") }
        let record = try await backend.thread(reference)
        try await backend.rename(record.id, to: clean)
        return record.id
    }
}
