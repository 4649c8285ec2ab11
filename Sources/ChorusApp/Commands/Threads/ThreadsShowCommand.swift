/// `chorus threads show ID [--json | --markdown]`: one thread's messages.
public enum ThreadsShowCommand {
    /// The thread named by `reference` (an id or a unique prefix) in `format`.
    public static func output(_ backend: any ThreadBackend, reference: String, format: ThreadDocument.Format) async throws -> String {
        try await ThreadDocument.load(try await backend.thread(reference), from: backend).rendered(format)
    }
}
