import ChorusGraph
import ChorusRuns
import ChorusStore
import ChorusTUI
import Foundation

/// `chorus threads list [--json] [--usage]`: the threads, most recent first.
public enum ThreadsListCommand {
    /// One line per thread: JSON objects (`id`, `title`, `updated_at`, `messages`, …) or a readable table. With
    /// `usage`, what each thread's model calls spent (`tokens`, `cost_usd`), read from its saved messages.
    public static func lines(_ backend: any ThreadBackend, json: Bool, includeArchived: Bool, usage: Bool = false) async throws -> [String] {
        let threads = try await backend.threads(includeArchived: includeArchived)
        guard usage else { return lines(threads, json: json, spent: [:]) }
        var spent: [String: UsageTally] = [:]
        for thread in threads { spent[thread.id] = try await ThreadDocument.load(thread, from: backend).spent }
        return lines(threads, json: json, spent: spent)
    }

    static func lines(_ threads: [ThreadRecord], json: Bool, spent: [String: UsageTally]) -> [String] {
        threads.map { t in
            let usage = spent[t.id]
            if json {
                var o: [String: Value] = [
                    "id": .string(t.id), "title": t.title.map { .string($0) } ?? .null, "kind": .string(t.kind.rawValue),
                    "updated_at": .double(t.updatedAt.timeIntervalSince1970), "created_at": .double(t.createdAt.timeIntervalSince1970),
                    "messages": .int(t.messageCount), "archived": .bool(t.archived),
                    "provider": t.provider.map { .string($0) } ?? .null, "model": t.model.map { .string($0) } ?? .null,
                ]
                if let usage { (o["tokens"], o["cost_usd"]) = (.int(usage.totalTokens), usage.costUSD.map(Value.double) ?? .null) }
                return JSON.serialize(.object(o))
            }
            let column = usage.map { u in
                String(format: "%8d tok %@  ", u.totalTokens, (u.costUSD.map { String(format: "$%.4f", $0) } ?? "").padding(toLength: 9, withPad: " ", startingAt: 0))
            } ?? ""
            return "\(t.id)  \(t.messageCount) msgs  \(column)\(SafeText.sanitize(t.displayTitle, keepNewlines: false))"
        }
    }
}
