import AllianceCore
import Foundation
import GRDB
import Testing
@testable import AllianceDaemon

@Suite struct StateStoreTests {
    struct Abort: Error {}

    static func alert(_ rule: RuleID, key: String, client: String? = "C-1", session: Int? = 2) -> Alert {
        var fields: [JournalField] = []
        if let client { fields.append(JournalField("ALLIANCE_CLIENT", client)) }
        fields.append(JournalField("ALLIANCE_EPISODE", "1"))
        if let session { fields.append(JournalField("ALLIANCE_SESSION", String(session))) }
        fields.append(JournalField("ALLIANCE_ITEMS", "relationship=9.1 goals=8.0 approach=5.5 overall=7.0"))
        fields.append(JournalField("ALLIANCE_NOTE", "two\nlines, \"quoted\" = ünïcode"))
        return Alert(rule: rule, priority: rule.basePriority, key: key, message: "Message for \(key).", fields: fields)
    }

    // MARK: Schema

    @Test func migrationsCreateTheSchemaInWALModeWithFullSync() throws {
        let directory = try TemporaryDirectory()
        let store = try StateStore(path: directory.database)
        let (objects, migrations, journalMode) = try store.database.read { db in
            (
                try String.fetchAll(db, sql: """
                    SELECT type || ' ' || name FROM sqlite_schema
                    WHERE name NOT LIKE 'sqlite_%' AND name NOT LIKE 'grdb_%' ORDER BY type, name
                    """),
                try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations"),
                try String.fetchOne(db, sql: "PRAGMA journal_mode")
            )
        }
        #expect(objects == [
            "index alerts_attention", "index alerts_session", "index alerts_unsent", "index clients_lapse_anchor",
            "table alerts", "table clients", "table clinicians", "table digest_days", "table digests", "table meta",
            "table open_ruptures", "table sessions",
            "trigger alerts_counted", "trigger alerts_sent", "trigger alerts_uncounted",
            "trigger clients_counted", "trigger clients_uncounted",
            "trigger sessions_counted", "trigger sessions_uncounted",
        ])
        #expect(migrations == ["v1-initial", "v2-lapse-anchor", "v3-attention"])
        #expect(journalMode == "wal")
        #expect(try store.synchronousLevel() == 2)
        #expect(try store.counts() == StoreCounts(sessions: 0, clients: 0, alerts: 0, unsent: 0))
    }

    @Test func normalDurabilityIsAvailableForMeasurement() throws {
        let directory = try TemporaryDirectory()
        let store = try StateStore(path: directory.database, durability: .normal)
        #expect(try store.synchronousLevel() == 1)
    }

    // MARK: Transactions

    @Test func aTransactionThatThrowsLeavesNothingBehind() throws {
        let directory = try TemporaryDirectory()
        let store = try StateStore(path: directory.database)
        let record = SessionRecord(client: "C-1", session: 1, date: StoreFeeder.day(0), srs: StoreFeeder.srs(30))
        #expect(throws: Abort.self) {
            try store.write { transaction in
                try transaction.save(StoreFeeder.client("C-1", lapseFrom: StoreFeeder.day(0)))
                try transaction.save(ClinicianState(clinician: "T-1"))
                try transaction.insertSession(record, canonical: "{}", origin: RecordOrigin(source: "a.jsonl", line: 1), late: false)
                #expect(try transaction.enqueue([Self.alert(.belowCutoff, key: "k1")]).count == 1)
                #expect(try transaction.client("C-1") != nil)
                throw Abort()
            }
        }
        #expect(try store.counts() == StoreCounts(sessions: 0, clients: 0, alerts: 0, unsent: 0))
        #expect(try store.countsByScanning() == StoreCounts(sessions: 0, clients: 0, alerts: 0, unsent: 0))
        #expect(try store.unsentAlerts(limit: 10).isEmpty)
        #expect(try store.lapseCandidates(on: StoreFeeder.day(30), lapse: Settings.Lapse()).isEmpty)
        let (client, clinician) = try store.write { (try $0.client("C-1"), try $0.clinician("T-1")) }
        #expect(client == nil)
        #expect(clinician == nil)
        #expect(throws: StateStoreError.unknownClient("C-1")) { try store.history(client: "C-1") }
    }

    @Test func aSecondRecordForTheSameSessionIsRefused() throws {
        let store = try StateStore.inMemory()
        let record = SessionRecord(client: "C-1", session: 1, date: StoreFeeder.day(0), srs: StoreFeeder.srs(30))
        let origin = RecordOrigin(source: "a.jsonl", line: 1)
        try store.write { try $0.insertSession(record, canonical: "{}", origin: origin, late: false) }
        #expect(throws: DatabaseError.self) {
            try store.write { try $0.insertSession(record, canonical: "{}", origin: origin, late: false) }
        }
        #expect(try store.counts().sessions == 1)
    }

    @Test func stateSavedInATransactionIsReadBackAndWrittenOnceAtTheEnd() throws {
        let store = try StateStore.inMemory()
        var feeder = StoreFeeder(store)
        // One client's whole history in one transaction, as from a file of one client.
        let alerts = try feeder.ingest([38, 38, 38, 28, 27].enumerated().map { index, total in
            SessionRecord(client: "C-1", clinician: "T-1", session: index + 1, date: StoreFeeder.day(7 * index), srs: StoreFeeder.srs(total))
        })
        #expect(alerts[3].contains("rupture(warning)"))
        #expect(try store.counts() == StoreCounts(sessions: 5, clients: 1, alerts: try store.countsByScanning().alerts, unsent: try store.countsByScanning().unsent))
        let stored = try #require(try store.write { try $0.client("C-1") })
        #expect(stored.episodes["1"]?.srs.entries.count == 5)

        let candidates = try store.write { transaction -> [String] in
            var state = try #require(try transaction.client("C-1"))
            state.profile.substanceUse = true
            state.latest = StoreFeeder.client("C-1", lapseFrom: StoreFeeder.day(-20)).latest
            try transaction.save(state)
            #expect(try transaction.client("C-1") == state)
            try transaction.save(ClientState(client: "C-2"))
            return try transaction.lapseCandidates(on: StoreFeeder.day(1), lapse: Settings.Lapse())
        }
        #expect(candidates == ["C-1"])
        #expect(try store.write { try $0.client("C-1") }?.profile.substanceUse == true)
        #expect(try store.counts().clients == 2)
    }

    // MARK: Engine state

    @Test func aClientStateRoundTripsExactly() throws {
        let directory = try TemporaryDirectory()
        var original: ClientState
        var clinician: ClinicianState
        do {
            let store = try StateStore(path: directory.database)
            var feeder = StoreFeeder(store)
            // Profile, both instruments, ORS, PSQ, a rupture, a late record and a second episode.
            let wai = [4, 4, 5, 3, 4, 4, 5, 4, 4, 3, 4, 4]
            let profile = ProfileUpdate(substanceUse: true, diagnoses: ["F10.20"], motivation: Motivation(ruler: 3))
            try feeder.ingest([
                SessionRecord(client: "C-1", clinician: "T-1", session: 1, date: StoreFeeder.day(0), srs: StoreFeeder.srs(38.3),
                              waiSR: WAISRRatings(items: wai), ors: ORSRatings(individually: 5, interpersonally: 6, socially: 5.5, overall: 6),
                              profile: profile),
                SessionRecord(client: "C-1", clinician: "T-1", session: 2, date: StoreFeeder.day(7), srs: StoreFeeder.srs(37.9),
                              psq: PSQRatings(tension: true, intensity: 4, resolution: 2)),
                SessionRecord(client: "C-1", clinician: "T-1", session: 4, date: StoreFeeder.day(21), srs: StoreFeeder.srs(0.1 + 0.2),
                              ors: ORSRatings(individually: 1, interpersonally: 1, socially: 1, overall: 1), markers: ["rigid"]),
                SessionRecord(client: "C-1", clinician: "T-1", session: 3, date: StoreFeeder.day(14), srs: StoreFeeder.srs(36)),
                SessionRecord(client: "C-1", clinician: "T-1", episode: "2", session: 1, date: StoreFeeder.day(60), attendance: .noShow),
            ])
            original = try #require(try store.write { try $0.client("C-1") })
            clinician = try #require(try store.write { try $0.clinician("T-1") })
            // Values JSON could lose: full 64-bit fingerprints, subnormal and awkward doubles, NaN.
            original.episodes["1"]!.sessions[0].fingerprint = RecordFingerprint(high: .max, low: 0x8000_0000_0000_0001)
            original.episodes["1"]!.srs.cusum = .leastNonzeroMagnitude
            original.episodes["1"]!.srs.entries[0].score = 1.0 / 3.0
            original.episodes["1"]!.firstORS = -0.0
            clinician.rigid.alerts["C-9"] = [StoreFeeder.day(3)]
            clinician.rigid.lastReported = StoreFeeder.day(3)
            try store.write { transaction in
                try transaction.save(original)
                try transaction.save(clinician)
            }
            #expect(original.episodes.count == 2)
            #expect(original.episodes["1"]!.srs.rupture != nil || original.episodes["1"]!.srs.entries.contains { $0.openedRupture })
        }
        let reopened = try StateStore(path: directory.database)
        let loaded = try #require(try reopened.write { try $0.client("C-1") })
        #expect(loaded == original)
        #expect(loaded.episodes["1"]!.firstORS!.sign == .minus)
        #expect(try reopened.write { try $0.clinician("T-1") } == clinician)
    }

    @Test func aNonFiniteDoubleInStateIsKept() throws {
        let store = try StateStore.inMemory()
        var state = ClientState(client: "C-1")
        var episode = EpisodeState()
        episode.srs.cusum = .nan
        episode.waiSR.cusum = -.infinity
        state.episodes["1"] = episode
        try store.write { try $0.save(state) }
        let loaded = try #require(try store.write { try $0.client("C-1") })
        #expect(loaded.episodes["1"]!.srs.cusum.isNaN)
        #expect(loaded.episodes["1"]!.waiSR.cusum == -.infinity)
    }

    // MARK: Outbox

    @Test func outboxEnqueueUnsentMarkSent() throws {
        let directory = try TemporaryDirectory()
        let store = try StateStore(path: directory.database)
        let alerts = [
            Self.alert(.rupture, key: "rupture/C-1/1/srs/2"),
            Self.alert(.dip, key: "dip/C-1/1/wai-sr/2"),
            Self.alert(.clinicianPattern, key: "clinician-pattern/T-1/rigid-pattern/2026-01-05", client: nil, session: nil),
        ]
        let ids = try store.write { try $0.enqueue(alerts) }
        #expect(ids.count == 3)
        #expect(ids == ids.sorted())

        let unsent = try store.unsentAlerts(limit: 10)
        #expect(unsent.map(\.id) == ids)
        #expect(unsent.map(\.alert) == alerts)
        #expect(try store.unsentAlerts(limit: 2).map(\.id) == Array(ids.prefix(2)))
        #expect(try store.counts() == StoreCounts(sessions: 0, clients: 0, alerts: 3, unsent: 3))

        try store.markSent(Array(ids.prefix(2)))
        #expect(try store.unsentAlerts(limit: 10).map(\.id) == [ids[2]])
        #expect(try store.counts() == StoreCounts(sessions: 0, clients: 0, alerts: 3, unsent: 1))
        try store.markSent(ids + [999])
        #expect(try store.unsentAlerts(limit: 10).isEmpty)
        #expect(try store.counts() == StoreCounts(sessions: 0, clients: 0, alerts: 3, unsent: 0))
        #expect(try store.countsByScanning() == store.counts())

        // A key already queued (here: already sent) is not queued again.
        let again = try store.write { try $0.enqueue([alerts[0], Self.alert(.decline, key: "decline/C-1/1/srs/3")]) }
        #expect(again.count == 1)
        #expect(again[0] > ids[2])
        #expect(try store.unsentAlerts(limit: 10).map(\.alert.key) == ["decline/C-1/1/srs/3"])
        #expect(try store.counts() == StoreCounts(sessions: 0, clients: 0, alerts: 4, unsent: 1))
    }

    // MARK: Lapse

    @Test func lapseCandidatesByDay() throws {
        let store = try StateStore.inMemory()
        try store.write { transaction in
            try transaction.save(StoreFeeder.client("A", lapseFrom: StoreFeeder.day(0)))
            try transaction.save(StoreFeeder.client("B", lapseFrom: StoreFeeder.day(10)))
            try transaction.save(ClientState(client: "C"))
        }
        // Defaults: from 21 to 90 days after the anchor.
        let expected: [(Int, [String])] = [(20, []), (21, ["A"]), (31, ["A", "B"]), (90, ["A", "B"]), (91, ["B"]), (100, ["B"]), (101, [])]
        for (day, clients) in expected {
            #expect(try store.lapseCandidates(on: StoreFeeder.day(day), lapse: Settings.Lapse()) == clients, "day \(day)")
        }
        // The settings of the check decide, whatever they were when the clients were saved.
        let other = Settings.Lapse(days: 7, maxDays: 30)
        let otherExpected: [(Int, [String])] = [(6, []), (7, ["A"]), (17, ["A", "B"]), (30, ["A", "B"]), (31, ["B"]), (41, [])]
        for (day, clients) in otherExpected {
            #expect(try store.lapseCandidates(on: StoreFeeder.day(day), lapse: other) == clients, "day \(day)")
        }
        #expect(try store.lapseCandidates(on: StoreFeeder.day(31), lapse: Settings.Lapse(days: 40, maxDays: 30)).isEmpty)
        // Reported (or no longer possible): saved without an anchor, no longer a candidate.
        try store.write { try $0.save(ClientState(client: "A")) }
        #expect(try store.lapseCandidates(on: StoreFeeder.day(31), lapse: Settings.Lapse()) == ["B"])
        #expect(try store.counts().clients == 3)
    }

    @Test func ingestSavesTheLapseAnchorOfAWarning() throws {
        let store = try StateStore.inMemory()
        var feeder = StoreFeeder(store)
        let lapse = feeder.engine.settings.lapse
        try feeder.ingest([38, 38, 38].enumerated().map { index, total in
            SessionRecord(client: "C-1", session: index + 1, date: StoreFeeder.day(7 * index), srs: StoreFeeder.srs(total))
        })
        #expect(try store.lapseCandidates(on: StoreFeeder.day(14 + 21), lapse: lapse).isEmpty)
        let alerts = try feeder.ingest(SessionRecord(client: "C-1", session: 4, date: StoreFeeder.day(21), srs: StoreFeeder.srs(28)))
        #expect(alerts.contains("rupture(warning)"))
        #expect(try store.lapseCandidates(on: StoreFeeder.day(21 + 20), lapse: lapse).isEmpty)
        #expect(try store.lapseCandidates(on: StoreFeeder.day(21 + 21), lapse: lapse) == ["C-1"])
        #expect(try store.lapseCandidates(on: StoreFeeder.day(21 + 90), lapse: lapse) == ["C-1"])
        #expect(try store.lapseCandidates(on: StoreFeeder.day(21 + 91), lapse: lapse).isEmpty)
        // A longer max_days (a reload, or a restart with another configuration) reaches the
        // client stored under the shorter one.
        #expect(try store.lapseCandidates(on: StoreFeeder.day(21 + 95), lapse: Settings.Lapse(days: 21, maxDays: 120)) == ["C-1"])

        // The daemon's lapse check: the alert is queued and the client leaves the candidates.
        let now = StoreFeeder.day(21 + 30)
        let engine = feeder.engine
        try store.write { transaction in
            for name in try transaction.lapseCandidates(on: now, lapse: lapse) {
                var client = try #require(try transaction.client(name))
                let alert = try #require(engine.checkLapse(client: &client, now: now))
                try transaction.save(client)
                try transaction.enqueue([alert])
            }
        }
        #expect(try store.lapseCandidates(on: now, lapse: lapse).isEmpty)
        #expect(try store.unsentAlerts(limit: 100).last?.alert.rule == .lapse)
    }

    /// A database of the first schema, with a window saved for each client, gets the anchors
    /// of its clients from their states.
    @Test func theLapseAnchorMigrationReadsStoredStates() throws {
        let directory = try TemporaryDirectory()
        let queue = try DatabaseQueue(path: directory.database)
        let pending = StoreFeeder.client("A", lapseFrom: StoreFeeder.day(0))
        var reported = StoreFeeder.client("B", lapseFrom: StoreFeeder.day(0))
        reported.latest?.lapseReported = true
        try StateStore.migrator.migrate(queue, upTo: "v1-initial")
        try queue.write { db in
            for (state, window) in [(pending, (21, 90) as (Int, Int)?), (reported, nil), (ClientState(client: "C"), nil)] {
                try db.execute(
                    sql: "INSERT INTO clients (client, state, lapse_opens, lapse_closes) VALUES (?, ?, ?, ?)",
                    arguments: [state.client, Data(ClientStateCodec.encode(state)),
                                window.map { StoreFeeder.day($0.0).dayNumber }, window.map { StoreFeeder.day($0.1).dayNumber }]
                )
            }
        }
        try queue.close()
        let store = try StateStore(path: directory.database)
        #expect(try store.lapseCandidates(on: StoreFeeder.day(95), lapse: Settings.Lapse(days: 21, maxDays: 120)) == ["A"])
        #expect(try store.lapseCandidates(on: StoreFeeder.day(20), lapse: Settings.Lapse()).isEmpty)
        #expect(try store.write { try $0.client("B") } == reported)
        #expect(try store.counts().clients == 3)
    }

    // MARK: Counts

    @Test func countsFollowEveryWrite() throws {
        let directory = try TemporaryDirectory()
        let store = try StateStore(path: directory.database)
        var feeder = StoreFeeder(store)
        for client in 1...5 {
            try feeder.ingest([38, 38, 38, 28, 38].enumerated().map { index, total in
                SessionRecord(client: "C-\(client)", clinician: "T-1", session: index + 1, date: StoreFeeder.day(7 * index), srs: StoreFeeder.srs(total))
            })
        }
        // A duplicate is skipped and a profile-only update changes no count but the state.
        let duplicate = SessionRecord(client: "C-1", clinician: "T-1", session: 1, date: StoreFeeder.day(0), srs: StoreFeeder.srs(38))
        #expect(try feeder.ingest(duplicate) == ["(not stored)"])
        let counts = try store.counts()
        #expect(counts.sessions == 25)
        #expect(counts.clients == 5)
        #expect(counts.alerts > 0)
        #expect(counts.unsent == counts.alerts)
        #expect(try store.countsByScanning() == counts)

        try store.markSent(try store.unsentAlerts(limit: 3).map(\.id))
        #expect(try store.counts().unsent == counts.alerts - 3)
        #expect(try store.countsByScanning() == store.counts())
    }

    // MARK: Reopening

    @Test func reopeningTheFileKeepsEverything() throws {
        let directory = try TemporaryDirectory()
        let before: (StoreCounts, [(id: Int64, alert: Alert)], ClientHistory, ClientState?)
        do {
            let store = try StateStore(path: directory.database)
            var feeder = StoreFeeder(store)
            try feeder.ingest([38, 37, 38, 28].enumerated().map { index, total in
                SessionRecord(client: "C-1", clinician: "T-1", session: index + 1, date: StoreFeeder.day(7 * index), srs: StoreFeeder.srs(total))
            })
            try store.markSent([try #require(try store.unsentAlerts(limit: 1).first).id])
            before = (try store.counts(), try store.unsentAlerts(limit: 100), try store.history(client: "C-1"),
                      try store.write { try $0.client("C-1") })
        }
        for reopened in [try StateStore(path: directory.database), try StateStore.openForReading(path: directory.database)] {
            #expect(try reopened.counts() == before.0)
            let unsent = try reopened.unsentAlerts(limit: 100)
            #expect(unsent.map(\.id) == before.1.map(\.id))
            #expect(unsent.map(\.alert) == before.1.map(\.alert))
            #expect(try reopened.history(client: "C-1") == before.2)
            #expect(try reopened.lapseCandidates(on: StoreFeeder.day(21 + 30), lapse: Settings.Lapse()) == ["C-1"])
        }
        let writable = try StateStore(path: directory.database)
        #expect(try writable.write { try $0.client("C-1") } == before.3)
    }

    // MARK: Opening

    /// SPEC §8 "Reading without root": 0640 files whatever the umask (the service's is 0077),
    /// and `-wal`/`-shm` kept after the daemon closes, so that a reader who may not write the
    /// folder can still open the WAL database.
    @Test func databaseFilesAreGroupReadableAndOutliveTheDaemon() throws {
        let directory = try TemporaryDirectory()
        let previous = umask(0o077)
        defer { umask(previous) }
        func mode(_ file: String) -> mode_t? {
            var status = stat()
            return stat(file, &status) == 0 ? status.st_mode & 0o777 : nil
        }
        do {
            let store = try StateStore(path: directory.database)
            _ = try store.synchronousLevel()
        }
        for file in [directory.database, directory.database + "-wal", directory.database + "-shm"] {
            #expect(mode(file) == 0o640, "\(file)")
        }
        #expect(chmod(directory.database, 0o600) == 0)
        _ = try StateStore(path: directory.database)
        #expect(mode(directory.database) == 0o640, "an existing database gets its mode back at open")
        let reader = try StateStore.openForReading(path: directory.database)
        #expect(try reader.database.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM sessions") } == 0)
    }

    @Test func refusalToAReaderSaysWhatToDo() {
        let text = StateStoreError.notPermitted(path: "/var/lib/alliance-watch/state.sqlite").description
        #expect(text.contains("'/var/lib/alliance-watch/state.sqlite'"))
        #expect(text.contains("usermod -aG alliance-watch-read USER"))
    }

    @Test func openingFailuresSayWhy() throws {
        let directory = try TemporaryDirectory()
        let missingDirectory = directory.path + "/no-such-dir/state.sqlite"
        do {
            _ = try StateStore(path: missingDirectory)
            Issue.record("opened a database in a missing directory")
        } catch let error as StateStoreError {
            guard case .cannotOpen(let path, let reason) = error else { throw error }
            #expect(path == missingDirectory)
            #expect(reason.hasSuffix("(the directory '\(directory.path)/no-such-dir' does not exist)"))
        }
        #expect(throws: StateStoreError.self) { try StateStore.openForReading(path: directory.database) }
        #expect(!FileManager.default.fileExists(atPath: directory.database), "reading must not create the file")

        let notADatabase = directory.path + "/text.sqlite"
        try Data("this is not sqlite, just text that is long enough to be looked at".utf8).write(to: URL(fileURLWithPath: notADatabase))
        #expect(throws: StateStoreError.self) { try StateStore(path: notADatabase) }
        #expect(throws: StateStoreError.self) { try StateStore.openForReading(path: notADatabase) }
    }

    @Test func aDatabaseFromANewerVersionIsRefused() throws {
        let directory = try TemporaryDirectory()
        _ = try StateStore(path: directory.database)
        let queue = try DatabaseQueue(path: directory.database)
        try queue.write { try $0.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v9-future')") }
        let expected = StateStoreError.newerSchema(path: directory.database, unknownMigrations: ["v9-future"])
        #expect(throws: expected) { try StateStore(path: directory.database) }
        #expect(throws: expected) { try StateStore.openForReading(path: directory.database) }
    }

    @Test func readingAnUnmigratedDatabaseSaysToStartTheDaemon() throws {
        let directory = try TemporaryDirectory()
        let queue = try DatabaseQueue(path: directory.database)
        try queue.write { try $0.execute(sql: "CREATE TABLE other (x)") }
        #expect(throws: StateStoreError.olderSchema(path: directory.database, missingMigrations: ["v1-initial", "v2-lapse-anchor", "v3-attention"])) {
            try StateStore.openForReading(path: directory.database)
        }
    }
}

@Suite struct ClientStateCodecTests {
    @Test func aRichStateRoundTripsExactly() throws {
        var state = ClientState(client: "C-1")
        state.profile.apply(ProfileUpdate(substanceUse: false, diagnoses: ["F10.20", "ß"], motivation: Motivation(ruler: 3, urica: nil, level: .low)))
        var episode = EpisodeState()
        episode.sessions = [StoredSession(session: 1, fingerprint: RecordFingerprint(high: .max, low: 1), alertPriority: .warning),
                            StoredSession(session: 7, fingerprint: RecordFingerprint(high: 0, low: 2))]
        episode.srs.entries = [
            SeriesEntry(score: 1.0 / 3.0, session: 1, openedRupture: true, rigid: false, uninvolved: true),
            SeriesEntry(score: 30, session: 7, rigid: true, rigidMarker: true, uninvolvedMarker: true),
        ]
        episode.srs.cusum = .leastNonzeroMagnitude
        episode.srs.rupture = OpenRupture(reference: 38.25, spread: 2.2, entriesSince: 2)
        episode.waiSR.declineArmed = false
        episode.firstORS = -0.0
        episode.previousORSDeclined = true
        state.episodes["1"] = episode
        state.episodes["2"] = EpisodeState()
        state.latest = LatestSession(date: CalendarDate(year: 2026, month: 2, day: 3)!, episode: "1", session: 7, clinician: nil,
                                     recordID: "C-1/1/7", source: "a b.jsonl", episodeEnd: true, alertPriority: .err, lapseReported: true)
        let bytes = ClientStateCodec.encode(state)
        #expect(try ClientStateCodec.decode(bytes) == state)
        #expect(bytes.count < 220)
    }

    /// A version 1 state (before session numbers and marker flags) is still read.
    @Test func aVersionOneStateIsRead() throws {
        // version 1, client "C", no profile, one episode "1" without sessions, an SRS series of one
        // entry (score 36.0, flags rupture|rigid), cusum 0, armed flags 7, no rupture; an empty
        // WAI-SR series; no ORS; no latest.
        var writer = ByteWriter()
        writer.byte(1)
        writer.string("C")
        writer.byte(0); writer.byte(0); writer.byte(0)
        writer.int(1); writer.string("1"); writer.int(0)
        writer.int(1); writer.double(36); writer.byte(3); writer.double(0); writer.byte(7); writer.byte(0)
        writer.int(0); writer.double(0); writer.byte(7); writer.byte(0)
        writer.byte(0); writer.bool(false)
        writer.byte(0)
        let state = try ClientStateCodec.decode(writer.bytes)
        let entry = try #require(state.episodes["1"]?.srs.entries.first)
        #expect(entry == SeriesEntry(score: 36, openedRupture: true, rigid: true))
        #expect(entry.session == nil)
    }

    @Test func aDamagedStateIsRefusedNotMisread() {
        let bytes = ClientStateCodec.encode(ClientState(client: "C-1"))
        #expect(throws: ClientStateCodec.CorruptState.self) { try ClientStateCodec.decode(Array(bytes.dropLast())) }
        #expect(throws: ClientStateCodec.CorruptState.self) { try ClientStateCodec.decode([9] + bytes.dropFirst()) }
        #expect(throws: ClientStateCodec.CorruptState.self) { try ClientStateCodec.decode(bytes + [0]) }
    }
}
