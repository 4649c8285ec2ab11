import GRDB

/// The schema's frozen timeline. Each step is named once and never edited;
/// changes add a new step. Steps use table names only, never app types.
enum ChorusMigrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-checkpoints-threads") { db in
            try db.execute(sql: """
                CREATE TABLE checkpoints (
                    thread_id TEXT NOT NULL,
                    namespace TEXT NOT NULL,
                    checkpoint_id TEXT NOT NULL,
                    parent_id TEXT,
                    step INTEGER NOT NULL,
                    source TEXT NOT NULL,
                    versions_json TEXT NOT NULL,
                    seen_json TEXT NOT NULL,
                    locations_json TEXT NOT NULL,
                    created_at REAL NOT NULL,
                    PRIMARY KEY (thread_id, namespace, checkpoint_id)
                ) WITHOUT ROWID;

                -- Channel values, stored once per change: a checkpoint points at
                -- the checkpoint that wrote each of its channels' current value.
                CREATE TABLE checkpoint_blobs (
                    thread_id TEXT NOT NULL,
                    namespace TEXT NOT NULL,
                    channel TEXT NOT NULL,
                    checkpoint_id TEXT NOT NULL,
                    value_json TEXT NOT NULL,
                    PRIMARY KEY (thread_id, namespace, channel, checkpoint_id)
                ) WITHOUT ROWID;

                CREATE TABLE checkpoint_writes (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    thread_id TEXT NOT NULL,
                    namespace TEXT NOT NULL,
                    checkpoint_id TEXT NOT NULL,
                    task_id TEXT NOT NULL,
                    channel TEXT NOT NULL,
                    value_json TEXT NOT NULL
                );
                CREATE INDEX checkpoint_writes_by_checkpoint
                    ON checkpoint_writes (thread_id, namespace, checkpoint_id, task_id);

                CREATE TABLE threads (
                    id TEXT PRIMARY KEY NOT NULL,
                    title TEXT,
                    kind TEXT NOT NULL DEFAULT 'chat',
                    provider TEXT,
                    model TEXT,
                    archived INTEGER NOT NULL DEFAULT 0,
                    message_count INTEGER NOT NULL DEFAULT 0,
                    created_at REAL NOT NULL,
                    updated_at REAL NOT NULL
                );
                CREATE INDEX threads_by_activity ON threads (archived, updated_at DESC);

                -- Search index over message contents, derived from checkpoints.
                CREATE TABLE message_index (
                    thread_id TEXT NOT NULL,
                    message_id TEXT NOT NULL,
                    role TEXT NOT NULL,
                    content TEXT NOT NULL,
                    PRIMARY KEY (thread_id, message_id)
                );
                CREATE VIRTUAL TABLE message_search USING fts5(
                    content, content='message_index', content_rowid='rowid', tokenize='unicode61'
                );
                CREATE TRIGGER message_index_ai AFTER INSERT ON message_index BEGIN
                    INSERT INTO message_search(rowid, content) VALUES (new.rowid, new.content);
                END;
                CREATE TRIGGER message_index_ad AFTER DELETE ON message_index BEGIN
                    INSERT INTO message_search(message_search, rowid, content) VALUES ('delete', old.rowid, old.content);
                END;
                CREATE TRIGGER message_index_au AFTER UPDATE ON message_index BEGIN
                    INSERT INTO message_search(message_search, rowid, content) VALUES ('delete', old.rowid, old.content);
                    INSERT INTO message_search(rowid, content) VALUES (new.rowid, new.content);
                END;
                """)
        }
        migrator.registerMigration("v2-drafts") { db in
            try db.execute(sql: """
                -- Unsent input per thread ('' is the new, unsaved thread). Never holds keys or settings.
                CREATE TABLE drafts (
                    thread_key TEXT PRIMARY KEY NOT NULL,
                    text TEXT NOT NULL,
                    updated_at REAL NOT NULL
                );
                """)
        }
        migrator.registerMigration("v3-thread-metadata") { db in
            try db.execute(sql: """
                -- Free-form metadata a client attaches to a thread (LangGraph's thread metadata), a JSON object.
                ALTER TABLE threads ADD COLUMN metadata_json TEXT NOT NULL DEFAULT '{}';
                """)
        }
        migrator.registerMigration("v4-list-items") { db in
            try db.execute(sql: """
                -- Items of list-valued channels (the messages), each saved once under a
                -- sequence number per thread, namespace and channel; checkpoint_id is the
                -- checkpoint that first saved it. A blob with item_ranges set holds no
                -- value_json: its list is the items of those [first, last] ranges, in order.
                CREATE TABLE checkpoint_items (
                    thread_id TEXT NOT NULL,
                    namespace TEXT NOT NULL,
                    channel TEXT NOT NULL,
                    seq INTEGER NOT NULL,
                    checkpoint_id TEXT NOT NULL,
                    value_json TEXT NOT NULL,
                    PRIMARY KEY (thread_id, namespace, channel, seq)
                );
                ALTER TABLE checkpoint_blobs ADD COLUMN item_ranges TEXT;
                """)
        }
        migrator.registerMigration("v5-node-cache") { db in
            try db.execute(sql: """
                -- Cached node results (CachePolicy): the channel writes of a finished task,
                -- by graph, node and input key. expires_at is seconds since 1970, NULL for never.
                CREATE TABLE node_cache (
                    graph TEXT NOT NULL,
                    node TEXT NOT NULL,
                    key TEXT NOT NULL,
                    writes_json TEXT NOT NULL,
                    expires_at REAL,
                    PRIMARY KEY (graph, node, key)
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("v6-served-runs") { db in
            try db.execute(sql: """
                -- Runs `chorus serve` accepted on threads of this file, so that a restart,
                -- even after kill -9, still lists them and goes on with those left unfinished.
                -- request_json is the run's body as the client sent it; status is the API's.
                CREATE TABLE served_runs (
                    id TEXT PRIMARY KEY NOT NULL,
                    thread_id TEXT NOT NULL,
                    assistant_id TEXT NOT NULL,
                    request_json TEXT NOT NULL,
                    status TEXT NOT NULL,
                    attempt INTEGER NOT NULL DEFAULT 1,
                    created_at REAL NOT NULL,
                    updated_at REAL NOT NULL,
                    started_at REAL,
                    error_type TEXT,
                    error_message TEXT
                );
                CREATE INDEX served_runs_by_thread ON served_runs (thread_id, created_at);
                CREATE INDEX served_runs_by_age ON served_runs (created_at);
                """)
        }
        return migrator
    }
}
