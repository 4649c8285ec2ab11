import ChorusGraph
import Foundation
import GRDB

/// Checkpoints in the SQLite database (LangGraph's `AsyncSqliteSaver`, with
/// two differences: a channel's value is stored once per change rather than
/// in every checkpoint, and a checkpoint commits in one transaction).
///
/// Values are JSON (`Value`); a checkpoint row names, per channel, the
/// checkpoint whose blob holds its value. Pending writes of a task replace
/// that task's earlier writes, in one transaction.
public final class SQLiteCheckpointer: Checkpointer {
    let database: ChorusDatabase
    /// The state key whose messages feed the thread list and search index.
    public let messagesKey: String
    /// Versions and blob locations of the newest checkpoint written per
    /// thread namespace, so a put need not read its parent back.
    private let lastPut = Locked<[String: Written]>([:])

    public init(database: ChorusDatabase, messagesKey: String = "messages") {
        self.database = database
        self.messagesKey = messagesKey
    }

    // MARK: reading

    public func get(threadId: String, namespace: String, id: String?) async throws -> CheckpointTuple? {
        try await database.pool.read { db in
            let row: Row?
            if let id {
                row = try Row.fetchOne(db, sql: "SELECT * FROM checkpoints WHERE thread_id = ? AND namespace = ? AND checkpoint_id = ?",
                                       arguments: [threadId, namespace, id])
            } else {
                row = try Row.fetchOne(db, sql: "SELECT * FROM checkpoints WHERE thread_id = ? AND namespace = ? ORDER BY checkpoint_id DESC LIMIT 1",
                                       arguments: [threadId, namespace])
            }
            return try row.map { try Self.tuple(db, row: $0, withWrites: true) }
        }
    }

    public func list(threadId: String, namespace: String, before: String?, limit: Int?) async throws -> [CheckpointTuple] {
        try await database.pool.read { db in
            var sql = "SELECT * FROM checkpoints WHERE thread_id = ? AND namespace = ?"
            var arguments: StatementArguments = [threadId, namespace]
            if let before {
                sql += " AND checkpoint_id < ?"
                arguments += [before]
            }
            sql += " ORDER BY checkpoint_id DESC"
            if let limit {
                sql += " LIMIT ?"
                arguments += [limit]
            }
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map { try Self.tuple(db, row: $0, withWrites: true) }
        }
    }

    static func tuple(_ db: Database, row: Row, withWrites: Bool) throws -> CheckpointTuple {
        let thread: String = row["thread_id"], ns: String = row["namespace"], id: String = row["checkpoint_id"]
        let versions = try decodeInts(row["versions_json"])
        let seenValue = try JSON.parse(row["seen_json"] as String)
        var seen: [String: [String: Int]] = [:]
        for (node, map) in seenValue.objectValue ?? [:] {
            seen[node] = (map.objectValue ?? [:]).compactMapValues(\.intValue)
        }
        let locations = (try JSON.parse(row["locations_json"] as String).objectValue ?? [:]).compactMapValues(\.stringValue)
        var values: [String: Value] = [:]
        if !locations.isEmpty {
            let statement = try db.cachedStatement(sql: "SELECT value_json FROM checkpoint_blobs WHERE thread_id = ? AND namespace = ? AND channel = ? AND checkpoint_id = ?")
            for (channel, writer) in locations {
                guard let text = try String.fetchOne(statement, arguments: [thread, ns, channel, writer]) else {
                    throw StoreError.notADatabase(path: db.description, detail: "checkpoint \(id) misses the value of \(channel)")
                }
                values[channel] = try JSON.parse(text)
            }
        }
        var writes: [PendingWrite] = []
        if withWrites {
            let rows = try Row.fetchAll(db, sql: "SELECT task_id, channel, value_json FROM checkpoint_writes WHERE thread_id = ? AND namespace = ? AND checkpoint_id = ? ORDER BY seq",
                                        arguments: [thread, ns, id])
            writes = try rows.map { PendingWrite(taskId: $0["task_id"], channel: $0["channel"], value: try JSON.parse($0["value_json"] as String)) }
        }
        let source = CheckpointMetadata.Source(rawValue: row["source"]) ?? .loop
        return CheckpointTuple(
            threadId: thread, namespace: ns,
            checkpoint: Checkpoint(id: id, channelValues: values, channelVersions: versions, versionsSeen: seen),
            metadata: CheckpointMetadata(source: source, step: row["step"]),
            parentId: row["parent_id"], pendingWrites: writes)
    }

    /// Storage form of a map: compact JSON, keys in no particular order.
    static func encode(_ map: [String: Value]) -> String {
        JSON.serialize(.object(map), sortKeys: false)
    }

    static func decodeInts(_ text: String) throws -> [String: Int] {
        (try JSON.parse(text).objectValue ?? [:]).compactMapValues(\.intValue)
    }

    // MARK: writing

    public func put(threadId: String, namespace: String, checkpoint: Checkpoint, metadata: CheckpointMetadata, parentId: String?) async throws {
        try await save([.checkpoint(threadId: threadId, namespace: namespace, checkpoint: checkpoint, metadata: metadata, parentId: parentId)])
    }

    public func putWrites(threadId: String, namespace: String, checkpointId: String, taskId: String, writes: [PendingWrite]) async throws {
        try await save([.writes(threadId: threadId, namespace: namespace, checkpointId: checkpointId, taskId: taskId, writes: writes)])
    }

    /// Saves the batch in one transaction: all of it is on record, or none.
    public func save(_ batch: [CheckpointWrite]) async throws {
        let known = lastPut.withLock { $0 }
        let messagesKey = self.messagesKey
        let written = try await database.pool.write { db -> [String: Written] in
            var written: [String: Written] = [:]
            for write in batch {
                switch write {
                case .checkpoint(let thread, let ns, let checkpoint, let metadata, let parentId):
                    let key = thread + "\u{1}" + ns
                    let parent = (written[key] ?? known[key]).flatMap { $0.id == parentId ? $0 : nil }
                    written[key] = try Self.insert(db, thread: thread, namespace: ns, checkpoint: checkpoint, metadata: metadata,
                                                   parentId: parentId, parent: parent, messagesKey: messagesKey)
                case .writes(let thread, let ns, let checkpointId, let taskId, let writes):
                    try db.execute(sql: "DELETE FROM checkpoint_writes WHERE thread_id = ? AND namespace = ? AND checkpoint_id = ? AND task_id = ?",
                                   arguments: [thread, ns, checkpointId, taskId])
                    let insert = try db.cachedStatement(sql: "INSERT INTO checkpoint_writes (thread_id, namespace, checkpoint_id, task_id, channel, value_json) VALUES (?, ?, ?, ?, ?, ?)")
                    for w in writes {
                        try insert.execute(arguments: [thread, ns, checkpointId, taskId, w.channel, JSON.serialize(w.value, sortKeys: false)])
                    }
                }
            }
            return written
        }
        lastPut.withLock { cache in cache.merge(written) { _, new in new } }
    }

    /// Removes everything saved for a thread: checkpoints, values, pending writes, search index.
    static func deleteSaved(_ db: Database, threadId: String) throws {
        for table in ["checkpoints", "checkpoint_blobs", "checkpoint_writes", "message_index"] {
            try db.execute(sql: "DELETE FROM \(table) WHERE thread_id = ?", arguments: [threadId])
        }
    }

    /// Versions and blob locations of a checkpoint just written.
    struct Written: Sendable {
        let id: String
        let versions: [String: Int]
        let locations: [String: String]
    }

    private static func insert(_ db: Database, thread: String, namespace: String, checkpoint: Checkpoint, metadata: CheckpointMetadata,
                               parentId: String?, parent known: Written?, messagesKey: String) throws -> Written {
        var parentVersions: [String: Int] = [:]
        var parentLocations: [String: String] = [:]
        if let known {
            parentVersions = known.versions
            parentLocations = known.locations
        } else if let parentId, let row = try Row.fetchOne(db, sql: "SELECT versions_json, locations_json FROM checkpoints WHERE thread_id = ? AND namespace = ? AND checkpoint_id = ?",
                                                           arguments: [thread, namespace, parentId]) {
            parentVersions = try decodeInts(row["versions_json"])
            parentLocations = (try JSON.parse(row["locations_json"] as String).objectValue ?? [:]).compactMapValues(\.stringValue)
        }
        var locations: [String: String] = [:]
        let insertBlob = try db.cachedStatement(sql: "INSERT OR REPLACE INTO checkpoint_blobs (thread_id, namespace, channel, checkpoint_id, value_json) VALUES (?, ?, ?, ?, ?)")
        var changedMessages: Value?
        for (channel, value) in checkpoint.channelValues {
            if let version = checkpoint.channelVersions[channel], parentVersions[channel] == version, let at = parentLocations[channel] {
                locations[channel] = at
            } else {
                try insertBlob.execute(arguments: [thread, namespace, channel, checkpoint.id, JSON.serialize(value, sortKeys: false)])
                locations[channel] = checkpoint.id
                if channel == messagesKey { changedMessages = value }
            }
        }
        try db.execute(
            sql: """
                INSERT INTO checkpoints (thread_id, namespace, checkpoint_id, parent_id, step, source, versions_json, seen_json, locations_json, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [thread, namespace, checkpoint.id, parentId, metadata.step, metadata.source.rawValue,
                        encode(checkpoint.channelVersions.mapValues { .int($0) }),
                        encode(checkpoint.versionsSeen.mapValues { .object($0.mapValues { .int($0) }) }),
                        encode(locations.mapValues { .string($0) }),
                        Date().timeIntervalSince1970])
        if namespace.isEmpty {
            try ThreadIndex.checkpointWritten(db, threadId: thread, messages: changedMessages)
        }
        return Written(id: checkpoint.id, versions: checkpoint.channelVersions, locations: locations)
    }

    /// Removes the checkpoints (values, pending writes) a thread got at or
    /// after `date`, as if the run that wrote them never happened, and brings
    /// the thread list and search index back in step with what remains.
    public func deleteCheckpoints(threadId: String, since date: Date) async throws {
        let from = CheckpointID.prefix(for: date)
        try await database.pool.write { db in
            for table in ["checkpoints", "checkpoint_blobs", "checkpoint_writes"] {
                try db.execute(sql: "DELETE FROM \(table) WHERE thread_id = ? AND checkpoint_id >= ?", arguments: [threadId, from])
            }
        }
        lastPut.withLock { cache in cache = cache.filter { !$0.key.hasPrefix(threadId + "\u{1}") } }
        let remaining = try await get(threadId: threadId, namespace: "", id: nil)?.checkpoint.channelValues[messagesKey]
        try await database.pool.write { db in
            try ThreadIndex.checkpointWritten(db, threadId: threadId, messages: remaining ?? .array([]))
        }
    }

    public func deleteThread(_ threadId: String) async throws {
        try await database.pool.write { db in try Self.deleteSaved(db, threadId: threadId) }
        lastPut.withLock { cache in cache = cache.filter { !$0.key.hasPrefix(threadId + "\u{1}") } }
    }
}
