import AllianceCore
import Foundation
import GRDB

extension StateStore {
    /// The schema, as named migrations applied in order. A migration that has landed is never
    /// edited: a change to the schema is a new migration appended here (STYLE.md item 12).
    static let migrator: DatabaseMigrator = {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-initial", migrate: createInitialSchema)
        migrator.registerMigration("v2-lapse-anchor", migrate: storeLapseAnchors)
        migrator.registerMigration("v3-attention", migrate: storeAttention)
        return migrator
    }()

    /// `v1-initial`: clients, clinicians, the sessions of record, the alert outbox and counters.
    private static func createInitialSchema(_ db: Database) throws {
        try db.execute(sql: """
            -- One row per client: the engine's ClientState (ClientStateCodec), and the day numbers
            -- (days since 1970-01-01) between which lapse may fire for the client's latest record.
            CREATE TABLE clients (
                client TEXT NOT NULL PRIMARY KEY,
                state BLOB NOT NULL,
                lapse_opens INTEGER,
                lapse_closes INTEGER
            ) STRICT;
            -- Covering, and small: only clients whose lapse is still possible are in it.
            CREATE INDEX clients_lapse ON clients(lapse_opens, lapse_closes, client)
                WHERE lapse_opens IS NOT NULL;

            CREATE TABLE clinicians (
                clinician TEXT NOT NULL PRIMARY KEY,
                state TEXT NOT NULL
            ) STRICT;

            -- The history of record: every stored session record, late ones included.
            -- srs, wai_sr and ors are the SRS total, the WAI-SR mean and the ORS total.
            CREATE TABLE sessions (
                client TEXT NOT NULL,
                episode TEXT NOT NULL,
                session INTEGER NOT NULL,
                record_id TEXT NOT NULL,
                clinician TEXT,
                date TEXT NOT NULL,
                attendance TEXT NOT NULL,
                srs REAL,
                wai_sr REAL,
                ors REAL,
                source TEXT NOT NULL,
                line INTEGER NOT NULL,
                canonical TEXT NOT NULL,
                ingested_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
                late INTEGER NOT NULL,
                PRIMARY KEY (client, episode, session)
            ) STRICT;

            -- The outbox of SPEC §6.4 and the record of every alert. fields is a JSON array of
            -- [name, value] pairs, in the order they are written to the journal.
            -- AUTOINCREMENT: ids are never reused, so id order stays queue order after pruning.
            CREATE TABLE alerts (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                key TEXT NOT NULL UNIQUE,
                rule TEXT NOT NULL,
                priority INTEGER NOT NULL,
                client TEXT,
                episode TEXT,
                session INTEGER,
                message TEXT NOT NULL,
                fields TEXT NOT NULL,
                created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
                sent_at TEXT
            ) STRICT;
            CREATE INDEX alerts_unsent ON alerts(id) WHERE sent_at IS NULL;
            CREATE INDEX alerts_session ON alerts(client, episode, session);

            -- Row counts kept by triggers in the writing transaction, so that the daemon's
            -- STATUS= line does not scan a million sessions.
            CREATE TABLE meta (
                name TEXT NOT NULL PRIMARY KEY,
                value INTEGER NOT NULL
            ) STRICT, WITHOUT ROWID;
            INSERT INTO meta (name, value) VALUES ('sessions', 0), ('clients', 0), ('alerts', 0), ('unsent', 0);

            CREATE TRIGGER sessions_counted AFTER INSERT ON sessions BEGIN
                UPDATE meta SET value = value + 1 WHERE name = 'sessions';
            END;
            CREATE TRIGGER sessions_uncounted AFTER DELETE ON sessions BEGIN
                UPDATE meta SET value = value - 1 WHERE name = 'sessions';
            END;
            CREATE TRIGGER clients_counted AFTER INSERT ON clients BEGIN
                UPDATE meta SET value = value + 1 WHERE name = 'clients';
            END;
            CREATE TRIGGER clients_uncounted AFTER DELETE ON clients BEGIN
                UPDATE meta SET value = value - 1 WHERE name = 'clients';
            END;
            CREATE TRIGGER alerts_counted AFTER INSERT ON alerts BEGIN
                UPDATE meta SET value = value + 1 WHERE name = 'alerts';
                UPDATE meta SET value = value + (NEW.sent_at IS NULL) WHERE name = 'unsent';
            END;
            CREATE TRIGGER alerts_uncounted AFTER DELETE ON alerts BEGIN
                UPDATE meta SET value = value - 1 WHERE name = 'alerts';
                UPDATE meta SET value = value - (OLD.sent_at IS NULL) WHERE name = 'unsent';
            END;
            CREATE TRIGGER alerts_sent AFTER UPDATE OF sent_at ON alerts BEGIN
                UPDATE meta SET value = value + (NEW.sent_at IS NULL) - (OLD.sent_at IS NULL)
                    WHERE name = 'unsent';
            END;
            """)
    }

    /// `v2-lapse-anchor`: each client keeps the day number its lapse counts from (the date of
    /// its latest record, while a lapse may still follow it) instead of a window of days fixed
    /// by the lapse settings of the day it was saved; the check applies the settings in force.
    /// The anchors of stored clients are read from their states.
    private static func storeLapseAnchors(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE clients ADD COLUMN lapse_anchor INTEGER;
            """)
        let rows = try Row.fetchCursor(db, sql: "SELECT client, state FROM clients WHERE lapse_opens IS NOT NULL")
        let update = try db.makeStatement(sql: "UPDATE clients SET lapse_anchor = ? WHERE client = ?")
        while let row = try rows.next() {
            let name: String = row["client"]
            let state = try ClientStateCodec.decodeStored(row["state"], client: name)
            try update.execute(arguments: [state.latest?.lapseAnchor?.dayNumber, name])
        }
        try db.execute(sql: """
            DROP INDEX clients_lapse;
            ALTER TABLE clients DROP COLUMN lapse_opens;
            ALTER TABLE clients DROP COLUMN lapse_closes;
            -- Covering, and small: only clients whose lapse is still possible are in it.
            CREATE INDEX clients_lapse_anchor ON clients(lapse_anchor, client) WHERE lapse_anchor IS NOT NULL;
            """)
    }

    /// `v3-attention`: what the attention list and the daily digest need (SPEC §6.5) without
    /// reading every client's state: each alert's `ALLIANCE_DATE`, indexed for the alerts of
    /// warning or higher; the open ruptures, one row per series, with the session that opened
    /// it; and the digests already written, one row per day and clinician.
    private static func storeAttention(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE alerts ADD COLUMN date TEXT;
            UPDATE alerts SET date = (
                SELECT json_extract(field.value, '$[1]') FROM json_each(alerts.fields) AS field
                WHERE json_extract(field.value, '$[0]') = 'ALLIANCE_DATE');
            CREATE INDEX alerts_attention ON alerts(date, client, episode)
                WHERE priority <= 4 AND client IS NOT NULL;

            -- A series with an open rupture (opened, neither repaired nor reported unrepaired).
            -- session is the session that opened it (NULL when this migration found it open and
            -- no rupture alert says which session).
            CREATE TABLE open_ruptures (
                client TEXT NOT NULL,
                episode TEXT NOT NULL,
                instrument TEXT NOT NULL,
                session INTEGER,
                PRIMARY KEY (client, episode, instrument)
            ) STRICT, WITHOUT ROWID;

            -- The days whose digest was composed (at its first check at or after digest.hour),
            -- and the entries composed, one per clinician ('' for clients whose latest record
            -- names none): at most one per clinician and calendar day, also across restarts.
            -- sent_at is set once journald took the entry; an entry of today not yet sent is
            -- sent at the next check.
            CREATE TABLE digest_days (
                day TEXT NOT NULL PRIMARY KEY,
                composed_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
            ) STRICT;
            CREATE TABLE digests (
                day TEXT NOT NULL,
                clinician TEXT NOT NULL,
                clients TEXT NOT NULL,
                message TEXT NOT NULL,
                sent_at TEXT,
                PRIMARY KEY (day, clinician)
            ) STRICT;
            """)
        let rows = try Row.fetchCursor(db, sql: "SELECT client, state FROM clients")
        let insert = try db.makeStatement(sql: """
            INSERT INTO open_ruptures (client, episode, instrument, session)
            VALUES (?, ?, ?, (SELECT MAX(session) FROM alerts WHERE rule = 'rupture' AND client = ?1 AND episode = ?2
                              AND key LIKE 'rupture/%/' || ?3 || '/%'))
            """)
        while let row = try rows.next() {
            let name: String = row["client"]
            let state = try ClientStateCodec.decodeStored(row["state"], client: name)
            for (episode, instrument) in state.openRuptureSeries() {
                try insert.execute(arguments: [name, episode, instrument.rawValue])
            }
        }
    }
}
