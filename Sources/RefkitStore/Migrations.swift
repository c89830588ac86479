import GRDB

/// Named migrations. A landed migration is never edited: add a new one.
enum Migrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-ledger") { db in
            try db.execute(
                sql: """
                    CREATE TABLE sources (
                        id INTEGER PRIMARY KEY,
                        sha256 TEXT NOT NULL UNIQUE CHECK (length(sha256) = 64),
                        mime TEXT NOT NULL,
                        width INTEGER NOT NULL CHECK (width > 0),
                        height INTEGER NOT NULL CHECK (height > 0),
                        bytes INTEGER NOT NULL CHECK (bytes > 0),
                        stored_path TEXT NOT NULL,
                        original_name TEXT NOT NULL,
                        created_at TEXT NOT NULL
                    );
                    CREATE TABLE kits (
                        id TEXT PRIMARY KEY,
                        name TEXT NOT NULL,
                        slug TEXT NOT NULL,
                        watch TEXT NOT NULL,
                        status TEXT NOT NULL CHECK (status IN ('queued','analyzing','generating','awaiting_selection','complete',
                            'partial','failed')),
                        source_id INTEGER REFERENCES sources(id),
                        priority INTEGER NOT NULL DEFAULT 10,
                        text_only INTEGER NOT NULL DEFAULT 0 CHECK (text_only IN (0, 1)),
                        outbox_dir TEXT,
                        locked_reference TEXT,
                        locked_how TEXT,
                        error_code TEXT,
                        error_message TEXT,
                        created_at TEXT NOT NULL,
                        updated_at TEXT NOT NULL,
                        UNIQUE (watch, slug)
                    );
                    CREATE INDEX kits_status ON kits(status);
                    CREATE INDEX kits_source ON kits(source_id);
                    CREATE TABLE orders (
                        id INTEGER PRIMARY KEY,
                        kit_id TEXT NOT NULL REFERENCES kits(id) ON DELETE CASCADE,
                        origin TEXT NOT NULL CHECK (origin IN ('sidecar','default','standalone','cli')),
                        json TEXT NOT NULL,
                        file_name TEXT,
                        received_at TEXT NOT NULL
                    );
                    CREATE INDEX orders_kit ON orders(kit_id);
                    CREATE TABLE stages (
                        id INTEGER PRIMARY KEY,
                        kit_id TEXT NOT NULL REFERENCES kits(id) ON DELETE CASCADE,
                        stage TEXT NOT NULL,
                        depends_on TEXT,
                        status TEXT NOT NULL CHECK (status IN ('pending','running','done','failed','skipped')),
                        provider TEXT,
                        model TEXT,
                        prompt TEXT,
                        seed INTEGER,
                        attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
                        file TEXT,
                        sha256 TEXT,
                        mime TEXT,
                        width INTEGER,
                        height INTEGER,
                        cost_usd REAL NOT NULL DEFAULT 0,
                        duration_ms INTEGER NOT NULL DEFAULT 0,
                        error_code TEXT,
                        error_message TEXT,
                        updated_at TEXT NOT NULL,
                        UNIQUE (kit_id, stage),
                        CHECK (status != 'done' OR (file IS NOT NULL AND sha256 IS NOT NULL))
                    );
                    CREATE INDEX stages_status ON stages(status);
                    CREATE TABLE intake_claims (
                        id INTEGER PRIMARY KEY,
                        watch TEXT NOT NULL,
                        path TEXT NOT NULL,
                        device INTEGER NOT NULL,
                        inode INTEGER NOT NULL,
                        size INTEGER NOT NULL,
                        mtime_ns INTEGER NOT NULL,
                        state TEXT NOT NULL CHECK (state IN ('claimed','accepted','duplicate','rejected')),
                        code TEXT,
                        source_id INTEGER REFERENCES sources(id),
                        kit_id TEXT REFERENCES kits(id) ON DELETE SET NULL,
                        claimed_at TEXT NOT NULL,
                        finished_at TEXT,
                        UNIQUE (watch, path, device, inode, size, mtime_ns)
                    );
                    CREATE INDEX intake_claims_state ON intake_claims(state);
                    CREATE TABLE events (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        at TEXT NOT NULL,
                        kit_id TEXT,
                        watch TEXT,
                        subject TEXT,
                        type TEXT NOT NULL,
                        code TEXT,
                        message TEXT
                    );
                    CREATE INDEX events_kit ON events(kit_id);
                    CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events
                        BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
                    CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events
                        BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
                    """)
        }
        migrator.registerMigration("v2-kit-analysis") { db in
            // What the analyzer said of the source (JSON), kept so it runs once per kit.
            try db.execute(sql: "ALTER TABLE kits ADD COLUMN analysis TEXT")
        }
        migrator.registerMigration("v3-civitai") { db in
            // `refkit civitai`: one row per night's fetch, the images it wrote (their kits are
            // found by sha256 when the batch summary is made), and the seen-set that keeps an
            // image from being fetched or written twice across nights (by id and by content).
            try db.execute(
                sql: """
                    CREATE TABLE civitai_batches (
                        id INTEGER PRIMARY KEY,
                        inbox TEXT NOT NULL,
                        requested INTEGER NOT NULL CHECK (requested >= 0),
                        written INTEGER NOT NULL DEFAULT 0 CHECK (written >= 0),
                        started_at TEXT NOT NULL,
                        fetched_at TEXT,
                        finished_at TEXT,
                        summary TEXT,
                        CHECK (finished_at IS NULL OR (fetched_at IS NOT NULL AND summary IS NOT NULL))
                    );
                    CREATE TABLE civitai_seen (
                        image_id INTEGER PRIMARY KEY,
                        sha256 TEXT CHECK (sha256 IS NULL OR length(sha256) = 64),
                        outcome TEXT NOT NULL CHECK (outcome IN ('written','duplicate','rejected')),
                        code TEXT,
                        batch_id INTEGER REFERENCES civitai_batches(id) ON DELETE SET NULL,
                        seen_at TEXT NOT NULL
                    );
                    CREATE INDEX civitai_seen_sha256 ON civitai_seen(sha256);
                    CREATE TABLE civitai_batch_images (
                        batch_id INTEGER NOT NULL REFERENCES civitai_batches(id) ON DELETE CASCADE,
                        image_id INTEGER NOT NULL,
                        sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
                        kit TEXT NOT NULL,
                        file_name TEXT NOT NULL,
                        written_at TEXT NOT NULL,
                        PRIMARY KEY (batch_id, image_id)
                    );
                    """)
        }
        migrator.registerMigration("v4-kit-lifecycle") { db in
            // generation: how many times the stage was made again (regenerate); the seed follows it.
            // input: a stage's own input image (a face swap's target), relative to the state directory.
            // stage_history: each replaced result of a stage, for the manifest's attempt history.
            try db.execute(
                sql: """
                    ALTER TABLE stages ADD COLUMN generation INTEGER NOT NULL DEFAULT 0 CHECK (generation >= 0);
                    ALTER TABLE stages ADD COLUMN input TEXT;
                    CREATE TABLE stage_history (
                        id INTEGER PRIMARY KEY,
                        kit_id TEXT NOT NULL REFERENCES kits(id) ON DELETE CASCADE,
                        stage TEXT NOT NULL,
                        generation INTEGER NOT NULL,
                        status TEXT NOT NULL CHECK (status IN ('done','failed','skipped')),
                        file TEXT,
                        sha256 TEXT,
                        mime TEXT,
                        provider TEXT,
                        model TEXT,
                        seed INTEGER,
                        attempts INTEGER NOT NULL,
                        cost_usd REAL NOT NULL,
                        duration_ms INTEGER NOT NULL,
                        error_code TEXT,
                        error_message TEXT,
                        ended_at TEXT NOT NULL,
                        replaced_at TEXT NOT NULL
                    );
                    CREATE INDEX stage_history_kit ON stage_history(kit_id, stage);
                    """)
        }
        migrator.registerMigration("v5-budget-reservations") { db in
            // Money not (yet) on a stage row: `reserved` for a paid call in flight (taken in the
            // transaction that marks the stage running, so calls that start together each see the
            // others), `spent` for a call that was paid but whose result is not a done stage (an
            // unusable image, an analysis). A stage's rows are settled when it completes (its cost
            // moves onto the stage) or fails (the reservation is released, spent rows are kept).
            try db.execute(
                sql: """
                    CREATE TABLE budget_reservations (
                        id INTEGER PRIMARY KEY,
                        kit_id TEXT NOT NULL REFERENCES kits(id) ON DELETE CASCADE,
                        stage_id INTEGER REFERENCES stages(id) ON DELETE SET NULL,
                        subject TEXT NOT NULL,
                        state TEXT NOT NULL CHECK (state IN ('reserved', 'spent')),
                        usd REAL NOT NULL CHECK (usd >= 0),
                        at TEXT NOT NULL
                    );
                    CREATE INDEX budget_reservations_kit ON budget_reservations(kit_id);
                    CREATE INDEX budget_reservations_stage ON budget_reservations(stage_id);
                    """)
        }
        migrator.registerMigration("v6-reference-generations") { db in
            // kits.reference_generation: how many times the locked reference was set (0: never;
            // a re-selection or a regenerated avatar counts one more). stages.reference_generation:
            // the generation a stage made from the locked reference was made from (NULL: not made
            // from it), so views made from an earlier reference can be told apart and remade.
            // Kits that already have a locked reference have had exactly one, and their made
            // views were made from it.
            try db.execute(
                sql: """
                    ALTER TABLE kits ADD COLUMN reference_generation INTEGER NOT NULL DEFAULT 0 CHECK (reference_generation >= 0);
                    ALTER TABLE stages ADD COLUMN reference_generation INTEGER
                        CHECK (reference_generation IS NULL OR reference_generation >= 1);
                    UPDATE kits SET reference_generation = 1 WHERE locked_reference IS NOT NULL;
                    UPDATE stages SET reference_generation = 1
                    WHERE status = 'done' AND stage != 'avatar' AND stage NOT LIKE 'candidate:%' AND stage NOT LIKE 'character:%'
                      AND kit_id IN (SELECT id FROM kits WHERE locked_reference IS NOT NULL);
                    """)
        }
        migrator.registerMigration("v7-deleted-kit-spend") { db in
            // What a deleted kit spent: its stages, history and reservations go with it (ON DELETE
            // CASCADE), but the money is spent all the same. `usd_today` is what of it counted
            // toward its watch's day when it was deleted (`at`), so the daily cap keeps counting it.
            try db.execute(
                sql: """
                    CREATE TABLE deleted_kit_spend (
                        id INTEGER PRIMARY KEY,
                        kit_id TEXT NOT NULL,
                        watch TEXT NOT NULL,
                        usd_today REAL NOT NULL CHECK (usd_today >= 0),
                        at TEXT NOT NULL
                    );
                    CREATE INDEX deleted_kit_spend_at ON deleted_kit_spend(at);
                    """)
        }
        migrator.registerMigration("v8-qa") { db in
            // The stage's QA (issue 15): `qa` is its manifest object (refkit's QAStageRecord as JSON),
            // `qa_verdict` its verdict alone, so `kits --needs-review` finds failed references by index.
            // NULL: not checked (QA off, or made before QA existed).
            try db.execute(
                sql: """
                    ALTER TABLE stages ADD COLUMN qa TEXT;
                    ALTER TABLE stages ADD COLUMN qa_verdict TEXT
                        CHECK (qa_verdict IS NULL OR qa_verdict IN ('pass', 'warn', 'fail', 'skipped'));
                    CREATE INDEX stages_qa_failed ON stages(kit_id) WHERE qa_verdict = 'fail';
                    """)
        }
        migrator.registerMigration("v9-kit-pages") { db in
            // Kits newest first, a page at a time by keyset (`kitPage`): the order the web UI lists.
            try db.execute(sql: "CREATE INDEX kits_created ON kits(created_at, id)")
        }
        migrator.registerMigration("v10-hook-deliveries") { db in
            // `[[hook]]` notifications (issue 16): one row per hook, action and event, so a restart
            // neither loses a delivery (it is pending here) nor makes a second one (UNIQUE). `payload`
            // is the body as it was when the event was seen: every attempt sends the same bytes.
            // No foreign key to kits: a kit deleted after it finished is still announced.
            // hook_cursor: the last event the hooks have looked at (one row).
            try db.execute(
                sql: """
                    CREATE TABLE hook_deliveries (
                        id INTEGER PRIMARY KEY,
                        hook TEXT NOT NULL,
                        action TEXT NOT NULL CHECK (action IN ('url', 'command')),
                        event_id INTEGER NOT NULL,
                        event TEXT NOT NULL,
                        kit_id TEXT NOT NULL,
                        status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
                        attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
                        next_at TEXT NOT NULL,
                        last_error TEXT,
                        payload TEXT NOT NULL,
                        created_at TEXT NOT NULL,
                        updated_at TEXT NOT NULL,
                        UNIQUE (hook, action, event_id)
                    );
                    CREATE INDEX hook_deliveries_due ON hook_deliveries(next_at) WHERE status = 'pending';
                    CREATE TABLE hook_cursor (
                        id INTEGER PRIMARY KEY CHECK (id = 1),
                        last_event_id INTEGER NOT NULL CHECK (last_event_id >= 0)
                    );
                    """)
        }
        migrator.registerMigration("v11-events-by-type") { db in
            // Reads of one type of event (`refkit status`'s rejections today, paused providers: the
            // web UI's list header and `/api/v1/status`) without scanning the whole, ever-growing log.
            try db.execute(sql: "CREATE INDEX events_type_at ON events(type, at)")
        }
        migrator.registerMigration("v12-kit-content-rating") { db in
            // The kit's content rating (issue 17 item 6): the analyzer's, else the order's
            // `source.rating`, as a ContentRating name; NULL while nothing has said. Kept so
            // `show`, the manifest and the Civitai batch summary read it without the analysis.
            try db.execute(sql: "ALTER TABLE kits ADD COLUMN content_rating TEXT")
        }
        migrator.registerMigration("v13-kit-sources") { db in
            // A character's further sources (issue 17 item 1): `kits.source_id` stays the primary
            // (position 1, `source.jpg`); these are positions 2, 3, … in the order they were given.
            // The index finds the kit a re-dropped source belongs to (a duplicate of that kit).
            try db.execute(
                sql: """
                    CREATE TABLE kit_sources (
                        kit_id TEXT NOT NULL REFERENCES kits(id) ON DELETE CASCADE,
                        position INTEGER NOT NULL CHECK (position >= 2),
                        source_id INTEGER NOT NULL REFERENCES sources(id),
                        PRIMARY KEY (kit_id, position),
                        UNIQUE (kit_id, source_id)
                    );
                    CREATE INDEX kit_sources_source ON kit_sources(source_id);
                    """)
        }
        migrator.registerMigration("v15-reference-inputs") { db in
            // The provider inputs a stage's last call was sent with (issue 17 item 4), as JSON: the
            // manifest lists them per reference. NULL: none (or made before inputs existed).
            try db.execute(sql: "ALTER TABLE stages ADD COLUMN inputs TEXT")
        }
        migrator.registerMigration("v16-reference-negative-prompt") { db in
            // The negative prompt a stage's last call sent (nil: none, or its provider takes none), so
            // each reference's record says what reached the model, whatever later orders change.
            try db.execute(sql: "ALTER TABLE stages ADD COLUMN negative_prompt TEXT")
        }
        migrator.registerMigration("v17-hook-delivery-views") { db in
            // `refkit hooks`, the Hooks page: counts per hook and state read this index alone, not
            // every delivery's stored body; a kit's deliveries are found by its id.
            try db.execute(
                sql: """
                    CREATE INDEX hook_deliveries_hook_status ON hook_deliveries(hook, status, created_at);
                    CREATE INDEX hook_deliveries_kit ON hook_deliveries(kit_id);
                    """)
        }
        return migrator
    }
}
