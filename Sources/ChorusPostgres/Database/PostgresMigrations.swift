import PostgresNIO

/// The schema, one numbered step at a time. Steps only ever get added; a
/// database whose version is higher than the last step here was written by a
/// newer Chorus and is refused. Instances starting together take turns (an
/// advisory lock), so each step runs once.
enum PostgresMigrations {
    static let steps: [(name: String, sql: [String])] = [
        ("v1-threads-checkpoints-runs", [
            """
            CREATE TABLE threads (
                id text PRIMARY KEY, title text, kind text NOT NULL, provider text, model text,
                archived boolean NOT NULL DEFAULT false, message_count integer NOT NULL DEFAULT 0,
                created_at double precision NOT NULL, updated_at double precision NOT NULL,
                metadata jsonb NOT NULL DEFAULT '{}')
            """,
            "CREATE INDEX threads_by_activity ON threads (updated_at DESC)",
            "CREATE INDEX threads_by_metadata ON threads USING gin (metadata jsonb_path_ops)",
            """
            CREATE TABLE checkpoints (
                thread_id text NOT NULL, ns text NOT NULL, checkpoint_id text NOT NULL, parent_id text,
                step integer NOT NULL, source text NOT NULL, versions text NOT NULL, seen text NOT NULL, locations text NOT NULL,
                PRIMARY KEY (thread_id, ns, checkpoint_id))
            """,
            """
            CREATE TABLE checkpoint_blobs (
                thread_id text NOT NULL, ns text NOT NULL, channel text NOT NULL, checkpoint_id text NOT NULL, value text NOT NULL,
                PRIMARY KEY (thread_id, ns, channel, checkpoint_id))
            """,
            """
            CREATE TABLE checkpoint_writes (
                thread_id text NOT NULL, ns text NOT NULL, checkpoint_id text NOT NULL, task_id text NOT NULL, idx integer NOT NULL,
                channel text NOT NULL, value text NOT NULL, seq bigserial NOT NULL,
                PRIMARY KEY (thread_id, ns, checkpoint_id, task_id, idx))
            """,
            """
            CREATE TABLE message_index (
                thread_id text NOT NULL, message_id text NOT NULL, role text NOT NULL, content text NOT NULL,
                seq bigserial NOT NULL, search tsvector GENERATED ALWAYS AS (to_tsvector('simple', content)) STORED,
                PRIMARY KEY (thread_id, message_id))
            """,
            "CREATE INDEX message_search ON message_index USING gin (search)",
            """
            CREATE TABLE runs (
                run_id text PRIMARY KEY, thread_id text NOT NULL, stateless boolean NOT NULL, assistant_id text NOT NULL,
                request text NOT NULL, status text NOT NULL, created_at double precision NOT NULL, updated_at double precision NOT NULL,
                started_at double precision,
                owner text, lease_until timestamptz, attempt integer NOT NULL DEFAULT 0,
                cancel text, outcome text, final_values text, error_type text, error_message text)
            """,
            "CREATE INDEX runs_by_thread ON runs (thread_id, created_at)",
            "CREATE INDEX runs_waiting ON runs (created_at) WHERE status = 'pending'",
            // One running run per thread, whichever instance claims it.
            "CREATE UNIQUE INDEX runs_one_running_per_thread ON runs (thread_id) WHERE status = 'running'",
            "CREATE INDEX runs_leased ON runs (lease_until) WHERE status = 'running'",
            """
            CREATE TABLE run_events (
                run_id text NOT NULL, seq integer NOT NULL, event text NOT NULL, data text NOT NULL,
                PRIMARY KEY (run_id, seq))
            """,
        ]),
    ]

    static func migrate(_ database: PostgresDatabase) async throws {
        try await database.transaction { connection, logger in
            // Any constant: instances migrating at once wait for each other here.
            try await connection.query("SELECT pg_advisory_xact_lock(7310501)", logger: logger)
            try await connection.query("""
                CREATE TABLE IF NOT EXISTS chorus_schema (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())
                """, logger: logger)
            var current = 0
            for try await version in try await connection.query("SELECT coalesce(max(version), 0) FROM chorus_schema", logger: logger).decode(Int.self) {
                current = version
            }
            guard current <= steps.count else { throw PostgresStoreError.newerSchema(found: current, known: steps.count) }
            for (index, step) in steps.enumerated() where index + 1 > current {
                for statement in step.sql { try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger) }
                try await connection.query("INSERT INTO chorus_schema (version, name) VALUES (\(index + 1), \(step.name))", logger: logger)
            }
        }
    }
}

extension PostgresDatabase {
    /// Records the schema as being at `version` (tests: a database from a newer Chorus).
    public func markSchemaVersion(_ version: Int) async throws {
        try await rows("INSERT INTO chorus_schema (version, name) VALUES (\(version), 'marked') ON CONFLICT DO NOTHING")
    }
}

extension PostgresDatabase {
    /// `SHOW server_version`.
    public func serverVersion() async throws -> String {
        try await rows("SHOW server_version", as: { try $0.decode(String.self) }).first ?? "?"
    }

    /// Drops the URL's schema with every table in it (benchmarks' and tests' throwaway schemas only).
    public func dropSchema() async throws {
        guard url.schema != "public" else { return }
        try await rows(PostgresQuery(unsafeSQL: "DROP SCHEMA \(url.schema) CASCADE"))
    }
}
