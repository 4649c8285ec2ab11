import ChorusGraph
import ChorusSupport
import Foundation
import GRDB

/// Checkpoints in the SQLite database (LangGraph's `AsyncSqliteSaver`, with
/// three differences: a channel's value is stored once per change rather
/// than in every checkpoint, a list (the messages) is stored item by item so
/// a checkpoint saves only the items that changed, and a checkpoint commits
/// in one transaction).
///
/// Values are JSON (`Value`); a checkpoint row names, per channel, the
/// checkpoint whose blob holds its value, and a list's blob names the ranges
/// of its items (`StoredList`). Pending writes of a task replace that task's
/// earlier writes, in one transaction.
public final class SQLiteCheckpointer: Checkpointer {
    let database: ChorusDatabase
    /// The state key whose messages feed the thread list and search index.
    public let messagesKey: String
    /// The newest checkpoint per thread namespace this instance saw, so a put
    /// need not read its parent back and a get of an unchanged thread need
    /// not parse it again.
    private let latest: Locked<RecentCheckpoints<SavedLayout>>

    /// A checkpointer on `database`, keeping the newest checkpoint of at most
    /// 128 threads and 32 MiB of values in memory.
    public convenience init(database: ChorusDatabase, messagesKey: String = "messages") {
        self.init(database: database, messagesKey: messagesKey, cacheCapacity: 128, cacheBudget: 32 << 20)
    }

    init(database: ChorusDatabase, messagesKey: String, cacheCapacity: Int, cacheBudget: Int) {
        self.database = database
        self.messagesKey = messagesKey
        latest = Locked(RecentCheckpoints(capacity: cacheCapacity, budget: cacheBudget))
    }

    /// Thread namespaces held in memory and the bytes of their values (as saved).
    var cached: (threads: Int, bytes: Int) { latest.withLock { ($0.count, $0.size) } }

    // MARK: reading

    public func get(threadId: String, namespace: String, id: String?) async throws -> CheckpointTuple? {
        let latest = self.latest
        return try await database.pool.read { db in
            let found: String?
            if let id {
                let exact = try db.cachedStatement(sql: "SELECT checkpoint_id FROM checkpoints WHERE thread_id = ? AND namespace = ? AND checkpoint_id = ?")
                found = try String.fetchOne(exact, arguments: [threadId, namespace, id])
            } else {
                let newest = try db.cachedStatement(sql: "SELECT checkpoint_id FROM checkpoints WHERE thread_id = ? AND namespace = ? ORDER BY checkpoint_id DESC LIMIT 1")
                found = try String.fetchOne(newest, arguments: [threadId, namespace])
            }
            guard let found else { return nil }
            if var tuple = latest.withLock({ $0.entry(threadId, namespace, id: found)?.tuple }) {
                tuple.pendingWrites = try Self.pendingWrites(db, threadId, namespace, found)
                return tuple
            }
            guard let row = try Row.fetchOne(try Self.checkpointRow(db), arguments: [threadId, namespace, found]) else { return nil }
            let read = try Self.read(db, row: row)
            latest.withLock { $0.remember(read) }
            var tuple = read.tuple
            tuple.pendingWrites = try Self.pendingWrites(db, threadId, namespace, found)
            return tuple
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
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                var tuple = try Self.read(db, row: row).tuple
                tuple.pendingWrites = try Self.pendingWrites(db, threadId, namespace, tuple.checkpoint.id)
                return tuple
            }
        }
    }

    /// The statement reading one checkpoint row by thread, namespace and id.
    private static func checkpointRow(_ db: Database) throws -> Statement {
        try db.cachedStatement(sql: "SELECT * FROM checkpoints WHERE thread_id = ? AND namespace = ? AND checkpoint_id = ?")
    }

    /// A checkpoint as saved: its tuple (without pending writes), where its
    /// values live, the item layout of its itemized lists and their sizes.
    typealias Read = RecentCheckpoints<SavedLayout>.Entry

    static func read(_ db: Database, row: Row) throws -> Read {
        let thread: String = row["thread_id"], ns: String = row["namespace"], id: String = row["checkpoint_id"]
        let versions = try decodeInts(row["versions_json"])
        let seenValue = try JSON.parse(row["seen_json"] as String)
        var seen: [String: [String: Int]] = [:]
        for (node, map) in seenValue.objectValue ?? [:] {
            seen[node] = (map.objectValue ?? [:]).compactMapValues(\.intValue)
        }
        let locations = (try JSON.parse(row["locations_json"] as String).objectValue ?? [:]).compactMapValues(\.stringValue)
        var values: [String: Value] = [:]
        var lists: [String: StoredList] = [:]
        var bytes: [String: Int] = [:]
        if !locations.isEmpty {
            let statement = try db.cachedStatement(sql: "SELECT value_json, item_ranges FROM checkpoint_blobs WHERE thread_id = ? AND namespace = ? AND channel = ? AND checkpoint_id = ?")
            for (channel, writer) in locations {
                guard let blob = try Row.fetchOne(statement, arguments: [thread, ns, channel, writer]) else {
                    throw StoreError.notADatabase(path: db.description, detail: "checkpoint \(id) misses the value of \(channel)")
                }
                if let ranges = blob["item_ranges"] as String? {
                    let (list, size) = try items(db, thread, ns, channel, ranges: ranges, checkpoint: id)
                    values[channel] = .array(list.items)
                    lists[channel] = list
                    bytes[channel] = size
                } else {
                    let text: String = blob["value_json"]
                    values[channel] = try JSON.parse(text)
                    bytes[channel] = text.utf8.count
                }
            }
        }
        let source = CheckpointMetadata.Source(rawValue: row["source"]) ?? .loop
        let tuple = CheckpointTuple(
            threadId: thread, namespace: ns,
            checkpoint: Checkpoint(id: id, channelValues: values, channelVersions: versions, versionsSeen: seen),
            metadata: CheckpointMetadata(source: source, step: row["step"]),
            parentId: row["parent_id"], pendingWrites: [])
        return Read(tuple: tuple, layout: SavedLayout(locations: locations, lists: lists), bytes: bytes)
    }

    /// The items of an itemized list, read range by range, and their JSON size.
    private static func items(_ db: Database, _ thread: String, _ ns: String, _ channel: String, ranges: String,
                              checkpoint id: String) throws -> (StoredList, bytes: Int) {
        guard let seqs = StoredList.seqs(fromRanges: ranges) else {
            throw StoreError.notADatabase(path: db.description, detail: "checkpoint \(id) has unreadable item ranges for \(channel)")
        }
        let statement = try db.cachedStatement(sql: "SELECT seq, value_json FROM checkpoint_items WHERE thread_id = ? AND namespace = ? AND channel = ? AND seq BETWEEN ? AND ? ORDER BY seq")
        var items: [Value] = []
        items.reserveCapacity(seqs.count)
        var bytes = 0
        var i = 0
        while i < seqs.count {
            var j = i
            while j + 1 < seqs.count && seqs[j + 1] == seqs[j] + 1 { j += 1 }
            let rows = try Row.fetchCursor(statement, arguments: [thread, ns, channel, seqs[i], seqs[j]])
            var expected = seqs[i]
            while let row = try rows.next() {
                guard row["seq"] as Int == expected else { break }
                let text: String = row["value_json"]
                items.append(try JSON.parse(text))
                bytes += text.utf8.count
                expected += 1
            }
            guard expected == seqs[j] + 1 else {
                throw StoreError.notADatabase(path: db.description, detail: "checkpoint \(id) misses item \(expected) of \(channel)")
            }
            i = j + 1
        }
        return (StoredList(items: items, seqs: seqs), bytes)
    }

    private static func pendingWrites(_ db: Database, _ thread: String, _ ns: String, _ id: String) throws -> [PendingWrite] {
        let statement = try db.cachedStatement(sql: "SELECT task_id, channel, value_json FROM checkpoint_writes WHERE thread_id = ? AND namespace = ? AND checkpoint_id = ? ORDER BY seq")
        return try Row.fetchAll(statement, arguments: [thread, ns, id]).map {
            PendingWrite(taskId: $0["task_id"], channel: $0["channel"], value: try JSON.parse($0["value_json"] as String))
        }
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
        let messagesKey = self.messagesKey
        let latest = self.latest
        let written = try await database.pool.write { db -> [Read] in
            var written: [String: Read] = [:]
            var order: [String] = []
            for write in batch {
                switch write {
                case .checkpoint(let thread, let ns, let checkpoint, let metadata, let parentId):
                    let key = RecentCheckpoints<SavedLayout>.key(thread, ns)
                    var parent: Read?
                    if let parentId {
                        if let justWritten = written[key], justWritten.tuple.checkpoint.id == parentId {
                            parent = justWritten
                        } else if let entry = latest.withLock({ $0.entry(thread, ns, id: parentId) }) {
                            parent = entry
                        } else if let row = try Row.fetchOne(try Self.checkpointRow(db), arguments: [thread, ns, parentId]) {
                            parent = try Self.read(db, row: row)
                        }
                    }
                    let tuple = CheckpointTuple(threadId: thread, namespace: ns, checkpoint: checkpoint, metadata: metadata, parentId: parentId, pendingWrites: [])
                    if written[key] == nil { order.append(key) }
                    written[key] = try Self.insert(db, tuple, parent: parent, messagesKey: messagesKey)
                case .writes(let thread, let ns, let checkpointId, let taskId, let writes):
                    try db.cachedStatement(sql: "DELETE FROM checkpoint_writes WHERE thread_id = ? AND namespace = ? AND checkpoint_id = ? AND task_id = ?")
                        .execute(arguments: [thread, ns, checkpointId, taskId])
                    let insert = try db.cachedStatement(sql: "INSERT INTO checkpoint_writes (thread_id, namespace, checkpoint_id, task_id, channel, value_json) VALUES (?, ?, ?, ?, ?, ?)")
                    for w in writes {
                        try insert.execute(arguments: [thread, ns, checkpointId, taskId, w.channel, JSON.serialize(w.value, sortKeys: false)])
                    }
                }
            }
            return order.compactMap { written[$0] }
        }
        latest.withLock { cache in
            for read in written { cache.remember(read) }
        }
    }

    /// Removes everything saved for a thread: checkpoints, values, pending writes, search index.
    static func deleteSaved(_ db: Database, threadId: String) throws {
        for table in ["checkpoints", "checkpoint_blobs", "checkpoint_items", "checkpoint_writes", "message_index"] {
            try db.execute(sql: "DELETE FROM \(table) WHERE thread_id = ?", arguments: [threadId])
        }
    }

    /// Writes one checkpoint: the values that changed since its parent (a
    /// list only its changed items), the row, and the thread's index entries.
    private static func insert(_ db: Database, _ tuple: CheckpointTuple, parent: Read?, messagesKey: String) throws -> Read {
        let (thread, namespace, checkpoint) = (tuple.threadId, tuple.namespace, tuple.checkpoint)
        let parentVersions = parent?.tuple.checkpoint.channelVersions ?? [:]
        var locations: [String: String] = [:]
        var lists: [String: StoredList] = [:]
        var bytes: [String: Int] = [:]
        let insertBlob = try db.cachedStatement(sql: "INSERT OR REPLACE INTO checkpoint_blobs (thread_id, namespace, channel, checkpoint_id, value_json, item_ranges) VALUES (?, ?, ?, ?, ?, ?)")
        var messagesChange: (count: Int, added: [Value], removed: ArraySlice<Value>, all: [Value])?
        for (channel, value) in checkpoint.channelValues {
            if let version = checkpoint.channelVersions[channel], parentVersions[channel] == version, let at = parent?.layout.locations[channel] {
                locations[channel] = at
                if let list = parent?.layout.lists[channel] { lists[channel] = list }
                bytes[channel] = parent?.bytes[channel] ?? 0
                continue
            }
            locations[channel] = checkpoint.id
            var indexed: StoredList.Change?
            if StoredList.isItemized(channel: channel, value: value), case .array(let items) = value {
                let lastSeq = try db.cachedStatement(sql: "SELECT MAX(seq) FROM checkpoint_items WHERE thread_id = ? AND namespace = ? AND channel = ?")
                let nextSeq = try Int.fetchOne(lastSeq, arguments: [thread, namespace, channel]).map { $0 + 1 } ?? 1
                let itemizedBefore = parent?.layout.lists[channel]
                let before = itemizedBefore ?? .empty
                let change = before.change(to: items, nextSeq: nextSeq)
                let insertItem = try db.cachedStatement(sql: "INSERT INTO checkpoint_items (thread_id, namespace, channel, seq, checkpoint_id, value_json) VALUES (?, ?, ?, ?, ?, ?)")
                // The items kept are as large as before; those dropped are counted at the list's average size.
                // (A list saved whole before is saved again item by item: all of it is added.)
                let sizeBefore = itemizedBefore == nil ? 0 : parent?.bytes[channel] ?? 0
                var size = sizeBefore - (before.items.isEmpty ? 0 : sizeBefore * change.removed.count / before.items.count)
                for (seq, item) in change.added {
                    let text = JSON.serialize(item, sortKeys: false)
                    try insertItem.execute(arguments: [thread, namespace, channel, seq, checkpoint.id, text])
                    size += text.utf8.count
                }
                try insertBlob.execute(arguments: [thread, namespace, channel, checkpoint.id, "", change.list.ranges])
                lists[channel] = change.list
                bytes[channel] = size
                if itemizedBefore != nil { indexed = change }
            } else {
                let text = JSON.serialize(value, sortKeys: false)
                try insertBlob.execute(arguments: [thread, namespace, channel, checkpoint.id, text, nil])
                bytes[channel] = text.utf8.count
            }
            if channel == messagesKey, case .array(let items) = value {
                let change = indexed ?? StoredList(unnumbered: parent?.tuple.checkpoint.channelValues[channel]?.arrayValue ?? []).change(to: items, nextSeq: 0)
                messagesChange = (items.count, change.added.map(\.value), change.removed, items)
            }
        }
        try db.cachedStatement(sql: """
            INSERT INTO checkpoints (thread_id, namespace, checkpoint_id, parent_id, step, source, versions_json, seen_json, locations_json, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(
            arguments: [thread, namespace, checkpoint.id, tuple.parentId, tuple.metadata.step, tuple.metadata.source.rawValue,
                        JSON.serialize(checkpoint.channelVersions), JSON.serialize(checkpoint.versionsSeen), JSON.serialize(locations),
                        Date().timeIntervalSince1970])
        if namespace.isEmpty {
            if let change = messagesChange {
                try ThreadIndex.messagesChanged(db, threadId: thread, count: change.count, added: change.added, removed: change.removed, all: change.all)
            } else {
                try ThreadIndex.touched(db, threadId: thread)
            }
        }
        return Read(tuple: tuple, layout: SavedLayout(locations: locations, lists: lists), bytes: bytes)
    }

    /// Removes the checkpoints (values, pending writes) a thread got at or
    /// after `date`, as if the run that wrote them never happened, and brings
    /// the thread list and search index back in step with what remains.
    public func deleteCheckpoints(threadId: String, since date: Date) async throws {
        let from = CheckpointID.prefix(for: date)
        try await database.pool.write { db in
            for table in ["checkpoints", "checkpoint_blobs", "checkpoint_items", "checkpoint_writes"] {
                try db.execute(sql: "DELETE FROM \(table) WHERE thread_id = ? AND checkpoint_id >= ?", arguments: [threadId, from])
            }
        }
        latest.withLock { $0.forget(threadId: threadId) }
        let remaining = try await get(threadId: threadId, namespace: "", id: nil)?.checkpoint.channelValues[messagesKey]
        try await database.pool.write { db in
            try ThreadIndex.reindex(db, threadId: threadId, messages: remaining?.arrayValue ?? [])
        }
    }

    public func deleteThread(_ threadId: String) async throws {
        try await database.pool.write { db in try Self.deleteSaved(db, threadId: threadId) }
        latest.withLock { $0.forget(threadId: threadId) }
    }
}
