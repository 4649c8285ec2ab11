import ChorusGraph
import ChorusStore
import Foundation
import PostgresNIO

/// The threads of a PostgreSQL database: what `chorus serve` lists, finds by
/// metadata and searches (PostgreSQL's full-text search over every message).
public final class PostgresThreadStore: ThreadRepository {
    let database: PostgresDatabase

    public init(database: PostgresDatabase) {
        self.database = database
    }

    private static let columns = "id, title, kind, provider, model, archived, message_count, created_at, updated_at, metadata::text"

    public func create(id: String, title: String?, kind: ThreadKind, provider: String?, model: String?,
                       metadata: [String: Value]) async throws -> ThreadRecord {
        let now = Date()
        let record = ThreadRecord(id: id, title: title, kind: kind, provider: provider, model: model, archived: false,
                                  messageCount: 0, createdAt: now, updatedAt: now, metadata: metadata)
        do {
            try await database.rows("""
                INSERT INTO threads (id, title, kind, provider, model, created_at, updated_at, metadata)
                VALUES (\(id), \(title), \(kind.rawValue), \(provider), \(model), \(now.timeIntervalSince1970), \(now.timeIntervalSince1970),
                        \(JSON.serialize(.object(metadata)))::jsonb)
                """)
        } catch PostgresStoreError.server(let code, _) where code == "23505" {
            throw ThreadAlreadyExists(id: id)
        }
        return record
    }

    public func get(_ id: String) async throws -> ThreadRecord? {
        try await database.rows(PostgresQuery(unsafeSQL: "SELECT \(Self.columns) FROM threads WHERE id = $1",
                                              binds: .of(id)), as: Self.record).first
    }

    public func annotate(_ id: String, metadata: [String: Value], kind: ThreadKind?) async throws -> ThreadRecord {
        let rows = try await database.rows(PostgresQuery(unsafeSQL: """
            UPDATE threads SET metadata = metadata || $2::jsonb, kind = coalesce($3, kind) WHERE id = $1 RETURNING \(Self.columns)
            """, binds: {
                var binds = PostgresBindings()
                binds.append(id)
                binds.append(JSON.serialize(.object(metadata)))
                binds.append(kind?.rawValue)
                return binds
            }()))
        guard let row = rows.first else { throw ThreadNotFound(id: id) }
        return try Self.record(row)
    }

    public func find(metadata: [String: Value], limit: Int, offset: Int) async throws -> (threads: [ThreadRecord], total: Int) {
        let filter = JSON.serialize(.object(metadata))
        let page = try await database.rows(PostgresQuery(unsafeSQL: """
            SELECT \(Self.columns), count(*) OVER () FROM threads WHERE metadata @> $1::jsonb
            ORDER BY updated_at DESC, id LIMIT $2 OFFSET $3
            """, binds: {
                var binds = PostgresBindings()
                binds.append(filter)
                binds.append(max(0, min(limit, Int(Int32.max))))
                binds.append(max(0, min(offset, Int(Int32.max))))
                return binds
            }()), as: { row in (try Self.record(row), try row.makeRandomAccess()[10].decode(Int.self)) })
        // A page past the end has no row to carry the total.
        let total: Int
        if let first = page.first { total = first.1 } else { total = offset > 0 ? try await countMatching(filter) : 0 }
        return (page.map(\.0), total)
    }

    private func countMatching(_ filter: String) async throws -> Int {
        try await database.rows("SELECT count(*) FROM threads WHERE metadata @> \(filter)::jsonb", as: { try $0.decode(Int.self) }).first ?? 0
    }

    /// Threads, most recently active first.
    public func list(limit: Int) async throws -> [ThreadRecord] {
        try await database.rows(PostgresQuery(unsafeSQL: "SELECT \(Self.columns) FROM threads ORDER BY updated_at DESC LIMIT $1",
                                              binds: .of(max(0, limit))), as: Self.record)
    }

    public func delete(_ id: String) async throws {
        try await database.transaction { connection, logger in
            try await PostgresCheckpointer.deleteSaved(id, on: connection, logger: logger)
            try await connection.query("DELETE FROM run_events WHERE run_id IN (SELECT run_id FROM runs WHERE thread_id = \(id))", logger: logger)
            try await connection.query("DELETE FROM runs WHERE thread_id = \(id) AND status NOT IN ('pending', 'running')", logger: logger)
            try await connection.query("DELETE FROM threads WHERE id = \(id)", logger: logger)
        }
    }

    /// Messages whose text holds every word of `query` (the last one as a
    /// prefix), newest first, with the match marked `[` `]` in the snippet.
    public func search(_ query: String, limit: Int) async throws -> [SearchHit] {
        guard let tsquery = Self.tsquery(query) else { return [] }
        return try await database.rows("""
            SELECT thread_id, message_id, role,
                   ts_headline('simple', content, to_tsquery('simple', \(tsquery)), 'StartSel=[,StopSel=],MaxWords=20,MinWords=5')
            FROM message_index WHERE search @@ to_tsquery('simple', \(tsquery)) ORDER BY seq DESC LIMIT \(max(0, limit))
            """, as: { row in
            let (thread, message, role, snippet) = try row.decode((String, String, String, String).self)
            return SearchHit(threadId: thread, messageId: message, role: role, snippet: snippet)
        })
    }

    /// User text as a tsquery: each word quoted as a literal (so no operator
    /// can be injected), joined with `&`, the last one a prefix.
    static func tsquery(_ text: String) -> String? {
        let words = text.split(whereSeparator: { $0.isWhitespace || $0.isPunctuation || $0.isSymbol })
            .map { "'" + $0.lowercased().replacingOccurrences(of: "'", with: "''").replacingOccurrences(of: "\\", with: "\\\\") + "'" }
        guard !words.isEmpty else { return nil }
        return (words.dropLast() + [words.last! + ":*"]).joined(separator: " & ")
    }

    static func record(_ row: PostgresRow) throws -> ThreadRecord {
        let (id, title, kind, provider, model, archived, count, created, updated, metadata) =
            try row.decode((String, String?, String, String?, String?, Bool, Int, Double, Double, String).self)
        return ThreadRecord(id: id, title: title, kind: ThreadKind(rawValue: kind), provider: provider, model: model, archived: archived,
                            messageCount: count, createdAt: Date(timeIntervalSince1970: created), updatedAt: Date(timeIntervalSince1970: updated),
                            metadata: (try? JSON.parse(metadata))?.objectValue ?? [:])
    }
}

/// A thread with this id exists already.
public struct ThreadAlreadyExists: Error, CustomStringConvertible, Sendable {
    public let id: String
    public var description: String { "a thread with id \(id) exists already" }
}
