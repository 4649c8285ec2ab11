import ChorusStore

/// `chorus threads show ID [--json | --markdown]`: one saved thread's messages.
public enum ThreadsShowCommand {
    /// The thread named by `reference` (an id or a unique prefix) in `format`.
    public static func output(databasePath: String, reference: String, format: ThreadDocument.Format) async throws -> String {
        let store = ThreadStore(database: try ChorusDatabase(path: databasePath))
        let record = try await ThreadReference.resolve(reference, in: store)
        return try await ThreadDocument.load(record, from: store).rendered(format)
    }
}
