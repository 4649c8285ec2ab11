import ChorusGraph
import ChorusStore
import Foundation
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
    /// another instance has since superseded is unused, never wrong.
    private let latest = Locked(LatestSaved())

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
        if !locations.isEmpty {
            let channels = Array(locations.keys), writers = channels.map { locations[$0]! }
            let blobs = try await database.rows("""
                SELECT b.channel, b.value FROM checkpoint_blobs b JOIN unnest(\(channels)::text[], \(writers)::text[]) AS l(channel, writer)
                ON b.channel = l.channel AND b.checkpoint_id = l.writer WHERE b.thread_id = \(threadId) AND b.ns = \(namespace)
                """)
            for blob in blobs {
                let (channel, text) = try blob.decode((String, String).self)
                values[channel] = try JSON.parse(text)
            }
            guard values.count == locations.count else {
                throw PostgresStoreError.server(code: "XX001", message: "checkpoint \(id) misses the values of \(Set(channels).subtracting(values.keys).sorted())")
            }
        }
        let tuple = CheckpointTuple(threadId: threadId, namespace: namespace,
                                    checkpoint: Checkpoint(id: id, channelValues: values, channelVersions: versions, versionsSeen: seen),
                                    metadata: CheckpointMetadata(source: CheckpointMetadata.Source(rawValue: source) ?? .loop, step: step),
                                    parentId: parentId, pendingWrites: [])
        latest.withLock { $0.remember(LatestSaved.Entry(tuple: tuple, locations: locations)) }
        return tuple
    }

    private func pendingWrites(_ threadId: String, _ namespace: String, _ id: String) async throws -> [PendingWrite] {
        try await database.rows("""
            SELECT task_id, channel, value FROM checkpoint_writes WHERE thread_id = \(threadId) AND ns = \(namespace) AND checkpoint_id = \(id)
            ORDER BY seq
            """).map { row in
            let (task, channel, text) = try row.decode((String, String, String).self)
            return PendingWrite(taskId: task, channel: channel, value: try JSON.parse(text))
        }
    }

    // MARK: writing

    public func put(threadId: String, namespace: String, checkpoint: Checkpoint, metadata: CheckpointMetadata, parentId: String?) async throws {
        try await save([.checkpoint(threadId: threadId, namespace: namespace, checkpoint: checkpoint, metadata: metadata, parentId: parentId)])
    }

    public func putWrites(threadId: String, namespace: String, checkpointId: String, taskId: String, writes: [PendingWrite]) async throws {
        try await save([.writes(threadId: threadId, namespace: namespace, checkpointId: checkpointId, taskId: taskId, writes: writes)])
    }

    /// Saves the batch: one statement per write, in one transaction when
    /// there are several, so all of it is on record or none.
    public func save(_ batch: [CheckpointWrite]) async throws {
        var statements: [PostgresQuery] = []
        var written: [LatestSaved.Entry] = []
        for write in batch {
            switch write {
            case .checkpoint(let thread, let ns, let checkpoint, let metadata, let parentId):
                let tuple = CheckpointTuple(threadId: thread, namespace: ns, checkpoint: checkpoint, metadata: metadata, parentId: parentId, pendingWrites: [])
                var parent: LatestSaved.Entry?
                if let parentId {
                    parent = written.last { $0.tuple.threadId == thread && $0.tuple.namespace == ns && $0.tuple.checkpoint.id == parentId }
                    if parent == nil { parent = latest.withLock { $0.entry(thread, ns, id: parentId) } }
                    if parent == nil { parent = try await savedLayout(thread, ns, parentId) }
                }
                let (statement, entry) = try checkpointStatement(tuple, parent: parent)
                statements.append(statement)
                written.append(entry)
            case .writes(let thread, let ns, let checkpointId, let taskId, let writes):
                statements.append(try Self.writesStatement(thread, ns, checkpointId, taskId, writes))
            }
        }
        if statements.count == 1 {
            try await database.rows(statements[0])
        } else if !statements.isEmpty {
            let statements = statements
            try await database.transaction { connection, logger in
                for statement in statements { try await connection.query(statement, logger: logger) }
            }
        }
        latest.withLock { cache in for entry in written { cache.remember(entry) } }
    }

    /// Where a saved checkpoint's values live and what they are (for a put whose parent this instance has not seen).
    private func savedLayout(_ thread: String, _ ns: String, _ id: String) async throws -> LatestSaved.Entry? {
        guard try await get(threadId: thread, namespace: ns, id: id) != nil else { return nil }
        return latest.withLock { $0.entry(thread, ns, id: id) }
    }

    /// One statement that writes a checkpoint: the values that changed since
    /// its parent, the row, and for a root checkpoint the thread's list entry and search index.
    private func checkpointStatement(_ tuple: CheckpointTuple, parent: LatestSaved.Entry?) throws -> (PostgresQuery, LatestSaved.Entry) {
        let (thread, ns, checkpoint) = (tuple.threadId, tuple.namespace, tuple.checkpoint)
        let parentVersions = parent?.tuple.checkpoint.channelVersions ?? [:]
        var locations: [String: String] = [:]
        var changedChannels: [String] = [], changedValues: [String] = []
        for (channel, value) in checkpoint.channelValues {
            if let version = checkpoint.channelVersions[channel], parentVersions[channel] == version, let at = parent?.locations[channel] {
                locations[channel] = at
                continue
            }
            locations[channel] = checkpoint.id
            changedChannels.append(channel)
            changedValues.append(JSON.serialize(value, sortKeys: false))
        }
        var binds = PostgresBindings()
        func bind<T: PostgresDynamicTypeEncodable>(_ value: T) -> String {
            binds.append(value)
            return "$\(binds.count)"
        }
        func bind<T: PostgresDynamicTypeEncodable>(_ value: T?) -> String {
            binds.append(value)
            return "$\(binds.count)"
        }
        let t = bind(thread), n = bind(ns), id = bind(checkpoint.id)
        var sql = """
            WITH blobs AS (INSERT INTO checkpoint_blobs (thread_id, ns, channel, checkpoint_id, value)
                SELECT \(t), \(n), c, \(id), v FROM unnest(\(bind(changedChannels))::text[], \(bind(changedValues))::text[]) AS u(c, v)
                ON CONFLICT DO NOTHING),
            row AS (INSERT INTO checkpoints (thread_id, ns, checkpoint_id, parent_id, step, source, versions, seen, locations)
                VALUES (\(t), \(n), \(id), \(bind(tuple.parentId)), \(bind(tuple.metadata.step)), \(bind(tuple.metadata.source.rawValue)),
                        \(bind(JSON.serialize(checkpoint.channelVersions))), \(bind(JSON.serialize(checkpoint.versionsSeen))),
                        \(bind(JSON.serialize(locations))))
                ON CONFLICT DO NOTHING)
            """
        if ns.isEmpty {
            let now = bind(Date().timeIntervalSince1970)
            if case .array(let messages)? = checkpoint.channelValues[messagesKey], changedChannels.contains(messagesKey) {
                let change = MessageIndexChange(old: parent?.tuple.checkpoint.channelValues[messagesKey]?.arrayValue ?? [], new: messages)
                sql += """
                    , indexed AS (INSERT INTO message_index (thread_id, message_id, role, content)
                        SELECT \(t), i, r, c FROM unnest(\(bind(change.upserts.map(\.id)))::text[], \(bind(change.upserts.map(\.role)))::text[],
                                                    \(bind(change.upserts.map(\.text)))::text[]) AS u(i, r, c)
                        ON CONFLICT (thread_id, message_id) DO UPDATE SET role = excluded.role, content = excluded.content),
                    dropped AS (DELETE FROM message_index WHERE thread_id = \(t) AND message_id = ANY(\(bind(change.removedIds))::text[]))
                    UPDATE threads SET updated_at = \(now), message_count = \(bind(messages.count)),
                        title = coalesce(title, \(bind(change.title))) WHERE id = \(t)
                    """
            } else {
                sql += " UPDATE threads SET updated_at = \(now) WHERE id = \(t)"
            }
        } else {
            sql += " SELECT 1"
        }
        return (PostgresQuery(unsafeSQL: sql, binds: binds), LatestSaved.Entry(tuple: tuple, locations: locations))
    }

    /// Replaces a task's pending writes: the write at each index is replaced
    /// (and moves after every other task's), writes past the new count go.
    static func writesStatement(_ thread: String, _ ns: String, _ checkpointId: String, _ taskId: String,
                                _ writes: [PendingWrite]) throws -> PostgresQuery {
        let indexes = Array(writes.indices), channels = writes.map(\.channel), values = writes.map { JSON.serialize($0.value, sortKeys: false) }
        return """
            WITH gone AS (DELETE FROM checkpoint_writes WHERE thread_id = \(thread) AND ns = \(ns) AND checkpoint_id = \(checkpointId)
                          AND task_id = \(taskId) AND idx >= \(writes.count))
            INSERT INTO checkpoint_writes (thread_id, ns, checkpoint_id, task_id, idx, channel, value)
            SELECT \(thread), \(ns), \(checkpointId), \(taskId), i, c, v FROM unnest(\(indexes)::int8[], \(channels)::text[], \(values)::text[]) AS u(i, c, v)
            ON CONFLICT (thread_id, ns, checkpoint_id, task_id, idx) DO UPDATE SET channel = excluded.channel, value = excluded.value, seq = excluded.seq
            """
    }

    // MARK: deleting

    public func deleteCheckpoints(threadId: String, since date: Date) async throws {
        let from = CheckpointID.prefix(for: date)
        try await database.transaction { connection, logger in
            for table in ["checkpoints", "checkpoint_blobs", "checkpoint_writes"] {
                try await connection.query(PostgresQuery(unsafeSQL: "DELETE FROM \(table) WHERE thread_id = $1 AND checkpoint_id >= $2",
                                                         binds: Self.binds(threadId, from)), logger: logger)
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
        try await database.transaction { connection, logger in
            for table in ["checkpoints", "checkpoint_blobs", "checkpoint_writes", "message_index"] {
                try await connection.query(PostgresQuery(unsafeSQL: "DELETE FROM \(table) WHERE thread_id = $1", binds: Self.binds(threadId)), logger: logger)
            }
        }
        latest.withLock { $0.forget(threadId: threadId) }
    }

    static func binds(_ values: String...) -> PostgresBindings {
        var binds = PostgresBindings()
        for value in values { binds.append(value) }
        return binds
    }
}
