import ChorusGraph
import ChorusSettings
import ChorusTUI
import Foundation

/// `chorus threads history ID [--json] [--limit N]`: a thread's checkpoints,
/// newest first, as LangGraph's `get_state_history` lists them.
public enum ThreadsHistoryCommand {
    /// `--json`: one JSON array of `ThreadCheckpoint.json`; else a line per checkpoint.
    public static func output(_ backend: any ThreadBackend, reference: String, json: Bool, limit: Int) async throws -> String {
        guard (1...1000).contains(limit) else { throw UsageError("--limit must be from 1 to 1000") }
        let thread = try await backend.thread(reference)
        let history = try await backend.history(thread.id, limit: limit)
        if json { return JSON.serialize(.array(history.map(\.json))) + "\n" }
        return history.map { checkpoint in
            let nodes = checkpoint.nodes.isEmpty ? "-" : checkpoint.nodes.joined(separator: ",")
            let time = checkpoint.createdAt.map { $0.formatted(.iso8601) } ?? "-"
            return "\(checkpoint.id)  step \(checkpoint.step)  \(checkpoint.source)  \(SafeText.sanitize(nodes, keepNewlines: false))  "
                + "\(checkpoint.messageCount) msgs  \(time)"
        }.joined(separator: "\n") + "\n"
    }
}
