import ChorusGraph
import ChorusSettings
import ChorusStore
import ChorusTUI

/// `chorus threads search QUERY [--json]`: messages of every thread that
/// contain the query's words (the full-text index), newest first.
public enum ThreadsSearchCommand {
    /// One line per hit: `id  title — snippet`, or a JSON object (`thread_id`, `title`, `message_id`, `role`, `snippet`).
    public static func lines(_ backend: any ThreadBackend, query: String, json: Bool, limit: Int = 50) async throws -> [String] {
        guard !query.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw UsageError("give words to search for") }
        let hits = try await backend.search(query, limit: limit)
        var titles: [String: String] = [:]
        for id in Set(hits.map(\.threadId)) { titles[id] = try await backend.thread(id).displayTitle }
        return hits.map { hit in
            let title = SafeText.sanitize(titles[hit.threadId] ?? "", keepNewlines: false)
            let snippet = SafeText.sanitize(hit.snippet, keepNewlines: false)
            if json {
                return JSON.serialize(["thread_id": .string(hit.threadId), "title": .string(title), "message_id": .string(hit.messageId),
                                       "role": .string(hit.role), "snippet": .string(snippet)])
            }
            return "\(hit.threadId)  \(title) — \(snippet)"
        }
    }
}
