import ChorusGraph
import ChorusStore
import ChorusTUI
import Foundation

/// `chorus threads list [--json]`: the threads, most recent first.
public enum ThreadsListCommand {
    /// One line per thread: JSON objects (`id`, `title`, `updated_at`, `messages`, …) or a readable table.
    public static func lines(_ backend: any ThreadBackend, json: Bool, includeArchived: Bool) async throws -> [String] {
        lines(try await backend.threads(includeArchived: includeArchived), json: json)
    }

    static func lines(_ threads: [ThreadRecord], json: Bool) -> [String] {
        threads.map { t in
            if json {
                return JSON.serialize([
                    "id": .string(t.id), "title": t.title.map { .string($0) } ?? .null, "kind": .string(t.kind.rawValue),
                    "updated_at": .double(t.updatedAt.timeIntervalSince1970), "created_at": .double(t.createdAt.timeIntervalSince1970),
                    "messages": .int(t.messageCount), "archived": .bool(t.archived),
                    "provider": t.provider.map { .string($0) } ?? .null, "model": t.model.map { .string($0) } ?? .null,
                ])
            }
            return "\(t.id)  \(t.messageCount) msgs  \(SafeText.sanitize(t.displayTitle, keepNewlines: false))"
        }
    }
}
