import ChorusGraph
import ChorusStore
import Foundation
import PostgresNIO

/// Any number of checkpoint writes as one statement: one round trip and one
/// commit, all on record or none. Checkpoints save the values that changed
/// since their parent; a task's pending writes replace its earlier ones; the
/// thread list and search index follow each thread's last root checkpoint.
struct CheckpointBatch {
    private struct Rows {
        var columns: [[String]]

        init(_ count: Int) {
            columns = Array(repeating: [], count: count)
        }

        mutating func add(_ values: String...) {
            for (index, value) in values.enumerated() { columns[index].append(value) }
        }
    }

    private var blobs = Rows(5)
    private var checkpoints = Rows(8)
    private var steps: [Int] = []
    private var writeTasks = Rows(4)
    private var writeCounts: [Int] = []
    private var writes = Rows(6)
    private var writeIndexes: [Int] = []
    /// Per thread: the messages before the batch's first change, and after its last.
    private var messages: [String: (before: [Value], after: [Value])] = [:]
    private var touched: [String] = []
    let messagesKey: String

    init(messagesKey: String) {
        self.messagesKey = messagesKey
    }

    var isEmpty: Bool { checkpoints.columns[0].isEmpty && writeTasks.columns[0].isEmpty }

    /// Adds a checkpoint; returns where its values live, for the next one's diff.
    mutating func add(_ tuple: CheckpointTuple, parent: SavedCheckpoint?) -> SavedCheckpoint {
        let (thread, ns, checkpoint) = (tuple.threadId, tuple.namespace, tuple.checkpoint)
        let parentVersions = parent?.tuple.checkpoint.channelVersions ?? [:]
        var locations: [String: String] = [:]
        var bytes: [String: Int] = [:]
        var messagesChanged = false
        for (channel, value) in checkpoint.channelValues {
            if let version = checkpoint.channelVersions[channel], parentVersions[channel] == version, let at = parent?.locations[channel] {
                locations[channel] = at
                bytes[channel] = parent?.bytes[channel] ?? 0
                continue
            }
            locations[channel] = checkpoint.id
            let text = JSON.serialize(value, sortKeys: false)
            blobs.add(thread, ns, channel, checkpoint.id, text)
            bytes[channel] = text.utf8.count
            if channel == messagesKey { messagesChanged = true }
        }
        checkpoints.add(thread, ns, checkpoint.id, tuple.parentId ?? "", tuple.metadata.source.rawValue, JSON.serialize(checkpoint.channelVersions),
                        JSON.serialize(checkpoint.versionsSeen), JSON.serialize(locations))
        steps.append(tuple.metadata.step)
        if ns.isEmpty {
            if !touched.contains(thread) { touched.append(thread) }
            if messagesChanged, case .array(let now)? = checkpoint.channelValues[messagesKey] {
                let before = messages[thread]?.before ?? parent?.tuple.checkpoint.channelValues[messagesKey]?.arrayValue ?? []
                messages[thread] = (before, now)
            }
        }
        return SavedCheckpoint(tuple: tuple, layout: locations, bytes: bytes)
    }

    /// Adds a task's pending writes, replacing what it wrote before (in the database or earlier in this batch).
    mutating func add(writes list: [PendingWrite], thread: String, ns: String, checkpointId: String, taskId: String) {
        let key = [thread, ns, checkpointId, taskId]
        if let earlier = (0..<writeTasks.columns[0].count).first(where: { i in (0..<4).allSatisfy { writeTasks.columns[$0][i] == key[$0] } }) {
            // Written twice in one batch: only the last counts.
            for column in 0..<4 { writeTasks.columns[column].remove(at: earlier) }
            writeCounts.remove(at: earlier)
            let keep = (0..<writeIndexes.count).filter { i in !(0..<4).allSatisfy { writes.columns[$0][i] == key[$0] } }
            for column in 0..<6 { writes.columns[column] = keep.map { writes.columns[column][$0] } }
            writeIndexes = keep.map { writeIndexes[$0] }
        }
        writeTasks.add(thread, ns, checkpointId, taskId)
        writeCounts.append(list.count)
        for (index, write) in list.enumerated() {
            writes.add(thread, ns, checkpointId, taskId, write.channel, JSON.serialize(write.value, sortKeys: false))
            writeIndexes.append(index)
        }
    }

    /// The statement.
    func query(now: Date = Date()) -> PostgresQuery {
        var binds = PostgresBindings()
        func bind(_ column: [String]) -> String {
            binds.append(column)
            return "$\(binds.count)::text[]"
        }
        func bind(_ column: [Int]) -> String {
            binds.append(column)
            return "$\(binds.count)::int8[]"
        }
        func bind(_ value: String) -> String {
            binds.append(value)
            return "$\(binds.count)"
        }
        func bind(_ value: Int) -> String {
            binds.append(value)
            return "$\(binds.count)"
        }
        var indexIds: [String] = [], indexThreads: [String] = [], indexRoles: [String] = [], indexTexts: [String] = []
        var goneThreads: [String] = [], goneIds: [String] = []
        var counts: [Int] = [], titles: [String] = []
        for thread in touched {
            guard let change = messages[thread] else {
                counts.append(-1)
                titles.append("")
                continue
            }
            let index = MessageIndexChange(old: change.before, new: change.after)
            for entry in index.upserts {
                indexThreads.append(thread)
                indexIds.append(entry.id)
                indexRoles.append(entry.role)
                indexTexts.append(entry.text)
            }
            goneThreads += Array(repeating: thread, count: index.removedIds.count)
            goneIds += index.removedIds
            counts.append(change.after.count)
            titles.append(index.title ?? "")
        }
        let b = blobs.columns, c = checkpoints.columns, t = writeTasks.columns, w = writes.columns
        // Only the parts this batch needs: the server plans the statement anew each time.
        // Joins with unnest() also name their keys with `= ANY(…)`, so the planner
        // reads the rows through their index rather than scanning the table.
        var parts: [String] = []
        if !b[0].isEmpty {
            parts.append("""
                blobs AS (INSERT INTO checkpoint_blobs (thread_id, ns, channel, checkpoint_id, value)
                    SELECT * FROM unnest(\(bind(b[0])), \(bind(b[1])), \(bind(b[2])), \(bind(b[3])), \(bind(b[4]))) ON CONFLICT DO NOTHING)
                """)
        }
        if c[0].count == 1 {
            // One checkpoint (a step saved before the next): plain values plan and bind faster than arrays.
            parts.append("""
                saved AS (INSERT INTO checkpoints (thread_id, ns, checkpoint_id, parent_id, step, source, versions, seen, locations)
                    VALUES (\(bind(c[0][0])), \(bind(c[1][0])), \(bind(c[2][0])), NULLIF(\(bind(c[3][0])), ''), \(bind(steps[0])),
                            \(bind(c[4][0])), \(bind(c[5][0])), \(bind(c[6][0])), \(bind(c[7][0])))
                    ON CONFLICT DO NOTHING)
                """)
        } else if !c[0].isEmpty {
            parts.append("""
                saved AS (INSERT INTO checkpoints (thread_id, ns, checkpoint_id, parent_id, step, source, versions, seen, locations)
                    SELECT u.t, u.n, u.id, NULLIF(u.parent, ''), u.step, u.source, u.versions, u.seen, u.locations
                    FROM unnest(\(bind(c[0])), \(bind(c[1])), \(bind(c[2])), \(bind(c[3])), \(bind(steps)), \(bind(c[4])), \(bind(c[5])),
                                \(bind(c[6])), \(bind(c[7]))) AS u(t, n, id, parent, step, source, versions, seen, locations)
                    ON CONFLICT DO NOTHING)
                """)
        }
        if !t[0].isEmpty {
            parts.append("""
                replaced AS (DELETE FROM checkpoint_writes w USING unnest(\(bind(t[0])), \(bind(t[1])), \(bind(t[2])), \(bind(t[3])), \(bind(writeCounts)))
                        AS d(t, n, c, k, count)
                    WHERE w.thread_id = d.t AND w.ns = d.n AND w.checkpoint_id = d.c AND w.task_id = d.k AND w.idx >= d.count
                    AND w.thread_id = ANY(\(bind(t[0]))) AND w.ns = ANY(\(bind(t[1]))) AND w.checkpoint_id = ANY(\(bind(t[2]))))
                """)
        }
        if !w[0].isEmpty {
            parts.append("""
                written AS (INSERT INTO checkpoint_writes (thread_id, ns, checkpoint_id, task_id, idx, channel, value)
                    SELECT * FROM unnest(\(bind(w[0])), \(bind(w[1])), \(bind(w[2])), \(bind(w[3])), \(bind(writeIndexes)), \(bind(w[4])), \(bind(w[5])))
                    ON CONFLICT (thread_id, ns, checkpoint_id, task_id, idx)
                    DO UPDATE SET channel = excluded.channel, value = excluded.value, seq = excluded.seq)
                """)
        }
        if !indexIds.isEmpty {
            parts.append("""
                indexed AS (INSERT INTO message_index (thread_id, message_id, role, content)
                    SELECT * FROM unnest(\(bind(indexThreads)), \(bind(indexIds)), \(bind(indexRoles)), \(bind(indexTexts)))
                    ON CONFLICT (thread_id, message_id) DO UPDATE SET role = excluded.role, content = excluded.content)
                """)
        }
        if !goneIds.isEmpty {
            parts.append("""
                dropped AS (DELETE FROM message_index m USING unnest(\(bind(goneThreads)), \(bind(goneIds))) AS d(t, id)
                    WHERE m.thread_id = d.t AND m.message_id = d.id AND m.thread_id = ANY(\(bind(goneThreads))))
                """)
        }
        var sql = parts.isEmpty ? "" : "WITH " + parts.joined(separator: ",\n") + "\n"
        if touched.isEmpty {
            sql += "SELECT 1"
        } else if touched.count == 1 {
            binds.append(now.timeIntervalSince1970)
            let updatedAt = "$\(binds.count)::float8"
            sql += """
                UPDATE threads SET updated_at = \(updatedAt), message_count = coalesce(NULLIF(\(bind(counts[0]))::int8, -1), message_count),
                    title = coalesce(title, NULLIF(\(bind(titles[0]))::text, '')) WHERE id = \(bind(touched[0]))
                """
        } else {
            binds.append(now.timeIntervalSince1970)
            let updatedAt = "$\(binds.count)::float8"
            sql += """
                UPDATE threads SET updated_at = \(updatedAt),
                    message_count = coalesce(NULLIF(u.count, -1), threads.message_count), title = coalesce(threads.title, NULLIF(u.title, ''))
                FROM unnest(\(bind(touched)), \(bind(counts)), \(bind(titles))) AS u(id, count, title)
                WHERE threads.id = u.id AND threads.id = ANY(\(bind(touched)))
                """
        }
        return PostgresQuery(unsafeSQL: sql, binds: binds)
    }
}
