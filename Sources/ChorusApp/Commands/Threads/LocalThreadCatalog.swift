import ChorusModels
import ChorusStore
import ChorusTUI

/// The threads of the local database.
public struct LocalThreadCatalog: ThreadCatalog {
    let store: ThreadStore

    public init(databasePath: String) throws {
        store = ThreadStore(database: try ChorusDatabase(path: databasePath))
    }

    public func threads(includeArchived: Bool) async throws -> [ThreadRecord] { try await store.list(includeArchived: includeArchived) }
    public func thread(_ reference: String) async throws -> ThreadRecord { try await ThreadReference.resolve(reference, in: store) }

    public func transcript(of record: ThreadRecord) async throws -> [TranscriptEntry] {
        TranscriptMapping.entries(ChatMessage.messages(try await store.transcript(record.id)), label: record.provider ?? "assistant")
    }

    public func rename(_ id: String, to title: String) async throws { try await store.rename(id, to: title) }
    public func delete(_ id: String) async throws { try await store.delete(id) }
    public func search(_ query: String, limit: Int) async throws -> [SearchHit] { try await store.search(query, limit: limit) }
}
