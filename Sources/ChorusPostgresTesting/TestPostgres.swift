import ChorusGraph
import ChorusPostgres
import Foundation

/// The throwaway PostgreSQL server `scripts/test.sh` starts for the suite
/// (`CHORUS_TEST_POSTGRES_URL`). Tests that need it are skipped, visibly,
/// when it is absent.
public enum TestPostgres {
    /// The server's URL, when the suite has one.
    public static let url: String? = {
        let url = ProcessInfo.processInfo.environment["CHORUS_TEST_POSTGRES_URL"] ?? ""
        return url.isEmpty ? nil : url
    }()

    public static var isAvailable: Bool { url != nil }

    /// The server's URL with a fresh schema of its own: a database no other test sees.
    public static func freshSchemaURL() throws -> String {
        guard let url else { throw Unavailable() }
        return url + (url.contains("?") ? "&" : "?") + "schema=t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
    }

    /// One database (in a schema of its own) shared by the tests of this
    /// process; tests keep apart by thread ids (see `ThreadPrefixedCheckpointer`).
    public static func shared() async throws -> PostgresDatabase {
        try await SharedDatabase.instance.get()
    }

    public struct Unavailable: Error, CustomStringConvertible {
        public var description: String { "no PostgreSQL for the tests: CHORUS_TEST_POSTGRES_URL is not set (scripts/test.sh sets it)" }
    }

    private actor SharedDatabase {
        static let instance = SharedDatabase()
        private var opening: Task<PostgresDatabase, any Error>?

        /// The one open database; an open that failed is not kept, so one
        /// slow moment fails the tests waiting on it then, not every later one.
        func get() async throws -> PostgresDatabase {
            let task = opening ?? Task { try await PostgresDatabase.open(try PostgresURL(try TestPostgres.freshSchemaURL()), maxConnections: 8) }
            opening = task
            do {
                return try await task.value
            } catch {
                if opening == task { opening = nil }
                throw error
            }
        }
    }
}

/// A checkpointer whose threads are another's under a prefix, so tests that
/// use fixed thread ids ("t", "1") can share one database without meeting.
public struct ThreadPrefixedCheckpointer: Checkpointer {
    let inner: any Checkpointer
    let prefix: String

    public init(_ inner: any Checkpointer, prefix: String = UUID().uuidString + ":") {
        self.inner = inner
        self.prefix = prefix
    }

    private func outside(_ tuple: CheckpointTuple) -> CheckpointTuple {
        var tuple = tuple
        tuple.threadId = String(tuple.threadId.dropFirst(prefix.count))
        return tuple
    }

    public func get(threadId: String, namespace: String, id: String?) async throws -> CheckpointTuple? {
        try await inner.get(threadId: prefix + threadId, namespace: namespace, id: id).map(outside)
    }

    public func list(threadId: String, namespace: String, before: String?, limit: Int?) async throws -> [CheckpointTuple] {
        try await inner.list(threadId: prefix + threadId, namespace: namespace, before: before, limit: limit).map(outside)
    }

    public func put(threadId: String, namespace: String, checkpoint: Checkpoint, metadata: CheckpointMetadata, parentId: String?) async throws {
        try await inner.put(threadId: prefix + threadId, namespace: namespace, checkpoint: checkpoint, metadata: metadata, parentId: parentId)
    }

    public func putWrites(threadId: String, namespace: String, checkpointId: String, taskId: String, writes: [PendingWrite]) async throws {
        try await inner.putWrites(threadId: prefix + threadId, namespace: namespace, checkpointId: checkpointId, taskId: taskId, writes: writes)
    }

    public func deleteThread(_ threadId: String) async throws {
        try await inner.deleteThread(prefix + threadId)
    }

    public func save(_ batch: [CheckpointWrite]) async throws {
        try await inner.save(batch.map { write in
            switch write {
            case .checkpoint(let t, let ns, let cp, let md, let parent):
                return .checkpoint(threadId: prefix + t, namespace: ns, checkpoint: cp, metadata: md, parentId: parent)
            case .writes(let t, let ns, let id, let task, let writes):
                return .writes(threadId: prefix + t, namespace: ns, checkpointId: id, taskId: task, writes: writes)
            }
        })
    }
}
