import ChorusGraph
import ChorusStore

/// `chorus threads export [ID…] [--format markdown|json]`: threads to stdout,
/// every thread (archived too) when no id is given.
public enum ThreadsExportCommand {
    /// Markdown documents separated by a rule, or one JSON array of thread objects.
    public static func output(_ backend: any ThreadBackend, references: [String], format: ThreadDocument.Format) async throws -> String {
        var records: [ThreadRecord] = []
        for reference in references { records.append(try await backend.thread(reference)) }
        if references.isEmpty { records = try await backend.threads(includeArchived: true) }
        var documents: [ThreadDocument] = []
        for record in records { documents.append(try await ThreadDocument.load(record, from: backend)) }
        switch format {
        case .json:
            return JSON.serialize(.array(documents.map(\.jsonValue))) + "\n"
        case .markdown, .text:
            return documents.map { $0.rendered(format) }.joined(separator: "\n---\n\n")
        }
    }
}
