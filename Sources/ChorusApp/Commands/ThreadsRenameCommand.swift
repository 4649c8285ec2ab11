import ChorusStore
import ChorusTUI

/// `chorus threads rename ID TITLE`.
public enum ThreadsRenameCommand {
    /// Renames the thread named by `reference`; returns its full id.
    public static func run(databasePath: String, reference: String, title: String) async throws -> String {
        let clean = SafeText.sanitize(title, keepNewlines: false).trimmingCharacters(in: .whitespaces)
        guard !clean.isEmpty else { throw UsageError("the new title is empty") }
        let store = ThreadStore(database: try ChorusDatabase(path: databasePath))
        let record = try await ThreadReference.resolve(reference, in: store)
        try await store.rename(record.id, to: clean)
        return record.id
    }
}
