import ChorusStore
import ChorusTUI

/// The saved threads a `chorus threads` subcommand acts on: the local
/// database (`LocalThreadCatalog`) or a LangGraph server
/// (`ServerThreadCatalog`, with `--server`). Chosen once per command, so no
/// subcommand can act on the local store when a server was named.
public protocol ThreadCatalog: Sendable {
    /// The threads, most recently active first.
    func threads(includeArchived: Bool) async throws -> [ThreadRecord]
    /// The thread whose id is `reference` or, uniquely, starts with it.
    func thread(_ reference: String) async throws -> ThreadRecord
    /// Its conversation as the app's transcript shows it.
    func transcript(of record: ThreadRecord) async throws -> [TranscriptEntry]
    func rename(_ id: String, to title: String) async throws
    func delete(_ id: String) async throws
    /// Messages containing `query`, newest first, at most `limit`.
    func search(_ query: String, limit: Int) async throws -> [SearchHit]
}
