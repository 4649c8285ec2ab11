import ChorusModels
import ChorusRemote
import ChorusStore
import ChorusTUI

/// The threads of a LangGraph server (`--server URL`), as the app lists them.
public struct ServerThreadCatalog: ThreadCatalog {
    let client: LangGraphClient

    public init(connection: ServerConnection) {
        client = connection.client
    }

    init(client: LangGraphClient) {
        self.client = client
    }

    public func threads(includeArchived: Bool) async throws -> [ThreadRecord] {
        try await remoteThreads(includeArchived: includeArchived).map(RemoteBackend.record)
    }

    /// An exact id is asked for directly; a prefix is looked for among the listed threads.
    public func thread(_ reference: String) async throws -> ThreadRecord {
        guard !reference.isEmpty else { throw ThreadReferenceError.unknown(reference) }
        if let exact = try? await client.thread(reference) { return RemoteBackend.record(exact) }
        let matches = try await threads(includeArchived: true).filter { $0.id.hasPrefix(reference) }
        return try ThreadReference.pick(reference, among: matches)
    }

    public func transcript(of record: ThreadRecord) async throws -> [TranscriptEntry] {
        TranscriptMapping.entries(try await client.thread(record.id).messages, label: record.provider ?? "assistant")
    }

    public func rename(_ id: String, to title: String) async throws { try await client.updateThread(id, metadata: ThreadMetadata(title: title).wire) }
    public func delete(_ id: String) async throws { try await client.deleteThread(id) }

    /// The API has no full-text search: the listed threads' messages are searched here.
    public func search(_ query: String, limit: Int) async throws -> [SearchHit] {
        let listed = try await remoteThreads(includeArchived: true).map { ($0.id, $0.messages) }
        return RemoteBackend.search(query, in: listed, limit: limit)
    }

    private func remoteThreads(includeArchived: Bool) async throws -> [RemoteThread] {
        var found: [RemoteThread] = []
        try await RemoteBackend.threads(on: client, includeArchived: includeArchived) { found += $0 }
        return found
    }
}
