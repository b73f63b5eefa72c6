import AllianceCore
import Foundation
import GRDB
import Testing

@testable import AllianceDaemon

/// The attention list and the digest of SPEC §6.5, from a real state database.
@Suite struct AttentionListTests {
    static let settings = Settings()

    /// Sessions a week apart from `StoreFeeder.day(0)`, with these SRS totals.
    static func sessions(
        _ client: String, _ totals: [Double], clinician: String? = "T-1", episode: String = "1",
        firstDay: Int = 0, endLast: Bool = false, profile: ProfileUpdate? = nil
    ) -> [SessionRecord] {
        totals.enumerated().map { index, total in
            SessionRecord(
                client: client, clinician: clinician, episode: episode, session: index + 1,
                date: StoreFeeder.day(firstDay + 7 * index), srs: StoreFeeder.srs(total),
                episodeEnd: endLast && index == totals.count - 1, profile: index == 0 ? profile : nil
            )
        }
    }

    static func list(_ store: StateStore, day: Int, days: Int = 28, clinician: String? = nil) throws -> [AttentionItem] {
        try store.attentionList(AttentionQuery(day: StoreFeeder.day(day), days: days, clinician: clinician), risk: settings.risk)
    }

    @Test func anOpenRuptureIsListedUntilItIsRepaired() throws {
        let store = try StateStore.inMemory()
        var feeder = StoreFeeder(store)
        try feeder.ingest(Self.sessions("C-1", [38, 38, 38, 28]))
        // Long after the rupture alert's date: only the open rupture keeps the client listed.
        var items = try Self.list(store, day: 200)
        #expect(items.map(\.client) == ["C-1"])
        #expect(items.first?.openRuptures == [AttentionItem.OpenRuptureMark(instrument: .srs, session: 4, date: StoreFeeder.day(21))])
        #expect(items.first?.alerts.isEmpty == true)
        #expect(items.first?.priority == .warning)
        #expect(items.first?.srs == [38, 38, 28])
        #expect(items.first?.latestSession == 4)

        try feeder.ingest(SessionRecord(client: "C-1", clinician: "T-1", session: 5, date: StoreFeeder.day(28), srs: StoreFeeder.srs(38)))
        items = try Self.list(store, day: 200)
        #expect(items.isEmpty)
        // Within the window the rupture alert still lists it, with its session.
        items = try Self.list(store, day: 30)
        #expect(items.first?.alerts.map(CaseloadReport.mark) == ["rupture@4"])
        #expect(items.first?.openRuptures.isEmpty == true)
    }

    @Test func theWindowCountsDaysBeforeTheDayAndTheDayItself() throws {
        let store = try StateStore.inMemory()
        var feeder = StoreFeeder(store)
        try feeder.ingest(Self.sessions("C-1", [38, 38, 38, 28, 38]))  // rupture@4 on day 21, repaired on day 28
        #expect(try Self.list(store, day: 20).isEmpty)  // before the alert
        #expect(try Self.list(store, day: 21).count == 1)  // d = T
        #expect(try Self.list(store, day: 21 + 27).count == 1)  // T − 28 < d
        #expect(try Self.list(store, day: 21 + 28).isEmpty)  // d = T − 28
        #expect(try Self.list(store, day: 21 + 28, days: 29).count == 1)
    }

    @Test func anEndedEpisodeNeverNeedsAttention() throws {
        let store = try StateStore.inMemory()
        var feeder = StoreFeeder(store)
        try feeder.ingest(Self.sessions("C-1", [38, 38, 38, 28], endLast: true))
        #expect(try Self.list(store, day: 21).isEmpty)
        // A later episode of the same client is its own item.
        try feeder.ingest(Self.sessions("C-1", [38, 38, 38, 28], episode: "2", firstDay: 100))
        #expect(try Self.list(store, day: 121).map(\.episode) == ["2"])
    }

    @Test func orderIsPriorityThenTheLatestAlertThenClient() throws {
        let store = try StateStore.inMemory()
        var feeder = StoreFeeder(store)
        let risky = ProfileUpdate(substanceUse: true, motivation: Motivation(level: .low))
        // Warnings on day 21 (B, A) and day 28 (C); early-risk is err for the risk profile (D).
        try feeder.ingest(Self.sessions("B", [38, 38, 38, 28]))
        try feeder.ingest(Self.sessions("A", [38, 38, 38, 28]))
        try feeder.ingest(Self.sessions("C", [38, 38, 38, 38, 28]))
        try feeder.ingest(Self.sessions("D", [30], clinician: nil, firstDay: 14, profile: risky))
        let items = try Self.list(store, day: 30)
        #expect(items.map(\.client) == ["D", "C", "A", "B"])
        #expect(items.first?.priority == .err)
        #expect(items.first?.atRisk == true)
        #expect(items.dropFirst().allSatisfy { !$0.atRisk })
        #expect(try Self.list(store, day: 30, clinician: "T-1").map(\.client) == ["C", "A", "B"])
    }

    @Test func theTableAndJSONShowTrendReasonsAndRisk() throws {
        let store = try StateStore.inMemory()
        var feeder = StoreFeeder(store)
        try feeder.ingest(Self.sessions("C-102", [37.5, 38, 38.5, 31], clinician: "T-07"))
        let query = AttentionQuery(day: StoreFeeder.day(22), days: 28)
        let report = CaseloadReport(items: try store.attentionList(query, risk: Self.settings.risk), query: query)
        let table = report.renderTable().split(separator: "\n").map(String.init)
        #expect(table.count == 3)
        #expect(table[0] == "Attention list for 2026-01-27: 1 client episode (open ruptures; alerts of warning or higher dated 2025-12-31 to 2026-01-27)")
        #expect(table[1].hasPrefix("PRIORITY  CLIENT  EPISODE  CLINICIAN  SESSION  DATE        SRS"))
        #expect(table[2].hasPrefix("warning   C-102   1        T-07       4        2026-01-26  38.0 -> 38.5 -> 31.0"))
        #expect(table[2].hasSuffix("rupture open since session 4 (SRS); rupture@4 (warning)"))
        let json = try JSONSerialization.jsonObject(with: Data(report.renderJSONLines().utf8)) as? [String: Any]
        #expect(json?["client"] as? String == "C-102")
        #expect(json?["srs"] as? [Double] == [38, 38.5, 31])
        #expect((json?["open_ruptures"] as? [[String: Any]])?.first?["since_session"] as? Int == 4)
        #expect((json?["alerts"] as? [[String: Any]])?.first?["rule"] as? String == "rupture")
        #expect(json?["risk"] is NSNull)

        let empty = CaseloadReport(items: [], query: AttentionQuery(day: StoreFeeder.day(0), days: 28, clinician: "T-9"))
        #expect(empty.renderTable().hasPrefix("No client needs attention for clinician T-9 on 2026-01-05"))
        #expect(empty.renderJSONLines().isEmpty)
    }

    @Test func theDigestNamesTenClientsPerClinicianAndCountsTheRest() throws {
        let store = try StateStore.inMemory()
        var feeder = StoreFeeder(store)
        for index in 1...12 { try feeder.ingest(Self.sessions(String(format: "C-%02d", index), [38, 38, 38, 28], clinician: "T-07")) }
        try feeder.ingest(Self.sessions("N-1", [38, 38, 38, 28], clinician: nil))
        let query = AttentionQuery(day: StoreFeeder.day(21), days: 28)
        let events = CaseloadReport(items: try store.attentionList(query, risk: Self.settings.risk), query: query).digestEvents()
        #expect(events.count == 2)
        guard case let .digest(clinician, clients, message) = events[0], case let .digest(none, others, lone) = events[1] else {
            Issue.record("not digests: \(events)")
            return
        }
        #expect(clinician == "T-07")
        #expect(clients.count == 12)
        #expect(message == "12 clients need attention for clinician T-07: "
            + (1...10).map { String(format: "C-%02d", $0) + " (rupture open since session 4, SRS 28.0)" }.joined(separator: ", ")
            + ", and 2 more.")
        #expect(none == nil && others == ["N-1"])
        #expect(lone == "1 client needs attention (no clinician named): N-1 (rupture open since session 4, SRS 28.0).")
        let fields = Dictionary(events[0].journalFields.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a })
        #expect(fields["MESSAGE_ID"] == "aca2fb3e2b9645c98e1edb218583f52f")
        #expect(fields["PRIORITY"] == "5")
        #expect(fields["ALLIANCE_COUNT"] == "12")
        #expect(fields["ALLIANCE_CLIENTS"]?.hasPrefix("C-01 C-02 ") == true)
        #expect(!events[1].journalFields.contains { $0.name == "ALLIANCE_CLINICIAN" })
    }

    @Test func aDigestIsComposedOncePerDayAndKeptAcrossReopening() throws {
        let directory = try TemporaryDirectory()
        let query = AttentionQuery(day: StoreFeeder.day(21), days: 28)
        do {
            let store = try StateStore(path: directory.database)
            var feeder = StoreFeeder(store)
            try feeder.ingest(Self.sessions("C-1", [38, 38, 38, 28]))
            #expect(try store.composeDigest(query, risk: Self.settings.risk))
            #expect(try store.composeDigest(query, risk: Self.settings.risk) == false)
            let unsent = try store.unsentDigests(day: query.day)
            #expect(unsent.map(\.clinician) == ["T-1"])
            try store.markDigestSent(day: query.day, clinician: "T-1")
        }
        let store = try StateStore(path: directory.database)
        #expect(try store.composeDigest(query, risk: Self.settings.risk) == false)
        #expect(try store.unsentDigests(day: query.day).isEmpty)
        // The next day has its own digest.
        #expect(try store.composeDigest(AttentionQuery(day: StoreFeeder.day(22), days: 28), risk: Self.settings.risk))
    }

    /// A database of schema v2 with an open rupture in a client's state and a rupture alert
    /// gets both into the v3 tables.
    @Test func theAttentionMigrationFindsOpenRupturesAndAlertDates() throws {
        let directory = try TemporaryDirectory()
        let queue = try DatabaseQueue(path: directory.database)
        try StateStore.migrator.migrate(queue, upTo: "v2-lapse-anchor")
        var state = ClientState(client: "C-1")
        var episode = EpisodeState()
        episode.waiSR.rupture = OpenRupture(reference: 4, spread: 0.5)
        state.episodes["1"] = episode
        let record = SessionRecord(client: "C-1", clinician: "T-1", session: 4, date: StoreFeeder.day(21))
        try queue.write { db in
            try db.execute(sql: "INSERT INTO clients (client, state) VALUES (?, ?)", arguments: ["C-1", Data(ClientStateCodec.encode(state))])
            try db.execute(sql: """
                INSERT INTO sessions (client, episode, session, record_id, clinician, date, attendance, source, line, canonical, late)
                VALUES ('C-1', '1', 4, 'r4', 'T-1', '2026-01-26', 'attended', 'a.jsonl', 4, ?, 0)
                """, arguments: [record.canonicalJSON])
            try db.execute(sql: """
                INSERT INTO alerts (key, rule, priority, client, episode, session, message, fields)
                VALUES ('rupture/C-1/1/wai-sr/4', 'rupture', 4, 'C-1', '1', 4, 'm',
                        '[["MESSAGE","m"],["ALLIANCE_DATE","2026-01-26"]]')
                """)
        }
        try queue.close()
        let store = try StateStore(path: directory.database)
        let items = try Self.list(store, day: 22)
        #expect(items.count == 1)
        #expect(items.first?.openRuptures.map(\.instrument) == [.waiSR])
        #expect(items.first?.openRuptures.first?.session == 4)
        #expect(items.first?.alerts.map(\.date) == [StoreFeeder.day(21)])
    }
}
