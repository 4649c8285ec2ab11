import ChorusGraph
import ChorusStore
import ChorusSupport
import Foundation
import Logging
import PostgresNIO

/// Checkpoints in PostgreSQL, for several `chorus serve` instances on one
/// database. Laid out like the SQLite store: a channel's value is saved once
/// per change (a checkpoint row names, per channel, the checkpoint whose blob
/// holds it), pending writes of a task replace that task's earlier ones, and
/// a root checkpoint keeps the thread list and search index in step, all in
/// one statement, so a checkpoint is on record whole or not at all.
public final class PostgresCheckpointer: RewindableCheckpointer {
    let database: PostgresDatabase
    /// The state key whose messages feed the thread list and search index.
    public let messagesKey: String
    /// The newest checkpoint per thread namespace this instance wrote or read.
    /// Keyed by checkpoint id, and checkpoints never change, so an entry
    /// another instance has since superseded is unused, never wrong. At most
    /// 256 thread namespaces and 32 MiB of values.
    private let latest = Locked(RecentCheckpoints<[String: String]>(capacity: 256, budget: 32 << 20))

    public init(database: PostgresDatabase, messagesKey: String = "messages") {
        self.database = database
        self.messagesKey = messagesKey
    }

    // MARK: reading

    public func get(threadId: String, namespace: String, id: String?) async throws -> CheckpointTuple? {
        let rows: [PostgresRow]
        if let id {
            rows = try await database.rows("""
                SELECT checkpoint_id, parent_id, step, source, versions, seen, locations FROM checkpoints
                WHERE thread_id = \(threadId) AND ns = \(namespace) AND checkpoint_id = \(id)
                """)
        } else {
            rows = try await database.rows("""
                SELECT checkpoint_id, parent_id, step, source, versions, seen, locations FROM checkpoints
                WHERE thread_id = \(threadId) AND ns = \(namespace) ORDER BY checkpoint_id DESC LIMIT 1
                """)
        }
        guard let row = rows.first else { return nil }
        var tuple = try await read(row, threadId: threadId, namespace: namespace)
        tuple.pendingWrites = try await pendingWrites(threadId, namespace, tuple.checkpoint.id)
        return tuple
    }

    public func list(threadId: String, namespace: String, before: String?, limit: Int?) async throws -> [CheckpointTuple] {
        let rows = try await database.rows("""
            SELECT checkpoint_id, parent_id, step, source, versions, seen, locations FROM checkpoints
            WHERE thread_id = \(threadId) AND ns = \(namespace) AND (\(before)::text IS NULL OR checkpoint_id < \(before))
            ORDER BY checkpoint_id DESC LIMIT \(limit.map { max(0, $0) } ?? Int(Int32.max))
            """)
        var tuples: [CheckpointTuple] = []
        for row in rows {
            var tuple = try await read(row, threadId: threadId, namespace: namespace)
            tuple.pendingWrites = try await pendingWrites(threadId, namespace, tuple.checkpoint.id)
            tuples.append(tuple)
        }
        return tuples
    }

    /// A checkpoint row with its values (from this instance's memory when it is the one it knows).
    private func read(_ row: PostgresRow, threadId: String, namespace: String) async throws -> CheckpointTuple {
        let (id, parentId, step, source, versionsText, seenText, locationsText) = try row.decode((String, String?, Int, String, String, String, String).self)
        if let known = latest.withLock({ $0.entry(threadId, namespace, id: id) }) { return known.tuple }
        let versions = (try JSON.parse(versionsText).objectValue ?? [:]).compactMapValues(\.intValue)
        var seen: [String: [String: Int]] = [:]
        for (node, map) in try JSON.parse(seenText).objectValue ?? [:] { seen[node] = (map.objectValue ?? [:]).compactMapValues(\.intValue) }
        let locations = (try JSON.parse(locationsText).objectValue ?? [:]).compactMapValues(\.stringValue)
        var values: [String: Value] = [:]
        var bytes: [String: Int] = [:]
        if !locations.isEmpty {
            let channels = Array(locations.keys), writers = channels.map { locations[$0]! }
            let blobs = try await database.rows("""
                SELECT b.channel, b.value FROM checkpoint_blobs b JOIN unnest(\(channels)::text[], \(writers)::text[]) AS l(channel, writer)
                ON b.channel = l.channel AND b.checkpoint_id = l.writer WHERE b.thread_id = \(threadId) AND b.ns = \(namespace)
                """)
            for blob in blobs {
                let (channel, text) = try blob.decode((String, String).self)
                values[channel] = try JSON.parse(text)
                bytes[channel] = text.utf8.count
            }
            guard values.count == locations.count else {
                throw PostgresStoreError.server(code: "XX001", message: "checkpoint \(id) misses the values of \(Set(channels).subtracting(values.keys).sorted())")
            }
        }
        let tuple = CheckpointTuple(threadId: threadId, namespace: namespace,
                                    checkpoint: Checkpoint(id: id, channelValues: values, channelVersions: versions, versionsSeen: seen),
                                    metadata: CheckpointMetadata(source: CheckpointMetadata.Source(rawValue: source) ?? .loop, step: step),
                                    parentId: parentId, pendingWrites: [])
        latest.withLock { $0.remember(SavedCheckpoint(tuple: tuple, layout: locations, bytes: bytes)) }
        return tuple
    }

    private func pendingWrites(_ threadId: String, _ namespace: String, _ id: String) async throws -> [PendingWrite] {
        let query = PostgresQuery(unsafeSQL: """
            SELECT task_id, channel, value FROM checkpoint_writes WHERE thread_id = $1 AND ns = $2 AND checkpoint_id = $3 ORDER BY seq
            """, binds: .of(threadId, namespace, id))
        return try await database.rows(query, as: Self.pendingWrite)
    }

    // Not inlined: Swift 6.3's optimizer crashes (signal 11, splitting the
    // coroutine of `pendingWrites`) when this decoding is inlined into it.
    @inline(never)
    private static func pendingWrite(_ row: PostgresRow) throws -> PendingWrite {
        let (task, channel, text) = try row.decode((String, String, String).self)
        return PendingWrite(taskId: task, channel: channel, value: try JSON.parse(text))
    }

    // MARK: writing

    public func put(threadId: String, namespace: String, checkpoint: Checkpoint, metadata: CheckpointMetadata, parentId: String?) async throws {
        try await save([.checkpoint(threadId: threadId, namespace: namespace, checkpoint: checkpoint, metadata: metadata, parentId: parentId)])
    }

    public func putWrites(threadId: String, namespace: String, checkpointId: String, taskId: String, writes: [PendingWrite]) async throws {
        try await save([.writes(threadId: threadId, namespace: namespace, checkpointId: checkpointId, taskId: taskId, writes: writes)])
    }

    /// Saves the batch in one statement: all of it is on record, or none.
    public func save(_ batch: [CheckpointWrite]) async throws {
        var statement = CheckpointBatch(messagesKey: messagesKey)
        var written: [SavedCheckpoint] = []
        for write in batch {
            switch write {
            case .checkpoint(let thread, let ns, let checkpoint, let metadata, let parentId):
                let tuple = CheckpointTuple(threadId: thread, namespace: ns, checkpoint: checkpoint, metadata: metadata, parentId: parentId, pendingWrites: [])
                var parent: SavedCheckpoint?
                if let parentId {
                    parent = written.last { $0.tuple.threadId == thread && $0.tuple.namespace == ns && $0.tuple.checkpoint.id == parentId }
                    if parent == nil { parent = latest.withLock { $0.entry(thread, ns, id: parentId) } }
                    if parent == nil { parent = try await savedLayout(thread, ns, parentId) }
                }
                written.append(statement.add(tuple, parent: parent))
            case .writes(let thread, let ns, let checkpointId, let taskId, let writes):
                statement.add(writes: writes, thread: thread, ns: ns, checkpointId: checkpointId, taskId: taskId)
            }
        }
        guard !statement.isEmpty else { return }
        try await database.rows(statement.query())
        latest.withLock { cache in for entry in written { cache.remember(entry) } }
    }

    /// Where a saved checkpoint's values live and what they are (for a put whose parent this instance has not seen).
    private func savedLayout(_ thread: String, _ ns: String, _ id: String) async throws -> SavedCheckpoint? {
        guard try await get(threadId: thread, namespace: ns, id: id) != nil else { return nil }
        return latest.withLock { $0.entry(thread, ns, id: id) }
    }

    // MARK: deleting

    public func deleteCheckpoints(threadId: String, since date: Date) async throws {
        let from = CheckpointID.prefix(for: date)
        try await database.transaction { connection, logger in
            for table in ["checkpoints", "checkpoint_blobs", "checkpoint_writes"] {
                try await connection.query(PostgresQuery(unsafeSQL: "DELETE FROM \(table) WHERE thread_id = $1 AND checkpoint_id >= $2",
                                                         binds: .of(threadId, from)), logger: logger)
            }
        }
        latest.withLock { $0.forget(threadId: threadId) }
        let remaining = try await get(threadId: threadId, namespace: "", id: nil)?.checkpoint.channelValues[messagesKey]?.arrayValue ?? []
        let change = MessageIndexChange(old: [], new: remaining)
        try await database.transaction { connection, logger in
            try await connection.query("DELETE FROM message_index WHERE thread_id = \(threadId)", logger: logger)
            try await connection.query("""
                INSERT INTO message_index (thread_id, message_id, role, content)
                SELECT \(threadId), i, r, c FROM unnest(\(change.upserts.map(\.id))::text[], \(change.upserts.map(\.role))::text[],
                                                   \(change.upserts.map(\.text))::text[]) AS u(i, r, c)
                ON CONFLICT DO NOTHING
                """, logger: logger)
            try await connection.query("UPDATE threads SET message_count = \(remaining.count), updated_at = \(Date().timeIntervalSince1970) WHERE id = \(threadId)",
                                       logger: logger)
        }
    }

    public func deleteThread(_ threadId: String) async throws {
        try await database.transaction { connection, logger in try await Self.deleteSaved(threadId, on: connection, logger: logger) }
        latest.withLock { $0.forget(threadId: threadId) }
    }

    /// Removes everything saved for a thread: checkpoints, values, pending writes, search index.
    static func deleteSaved(_ threadId: String, on connection: PostgresConnection, logger: Logger) async throws {
        for table in ["checkpoints", "checkpoint_blobs", "checkpoint_writes", "message_index"] {
            try await connection.query(PostgresQuery(unsafeSQL: "DELETE FROM \(table) WHERE thread_id = $1", binds: .of(threadId)), logger: logger)
        }
    }
}
