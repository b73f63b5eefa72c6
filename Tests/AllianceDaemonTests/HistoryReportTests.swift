import AllianceCore
import Testing
@testable import AllianceDaemon

@Suite struct HistoryReportTests {
    /// Client C-102: a rupture at session 4, a no-show after it, a late session 3, a WAI-SR.
    static func smallClient() throws -> (StateStore, TemporaryDirectory) {
        let directory = try TemporaryDirectory()
        let store = try StateStore(path: directory.database)
        var feeder = StoreFeeder(store)
        let wai = [4, 4, 5, 3, 4, 4, 5, 4, 4, 3, 4, 4]
        func session(_ number: Int, _ srs: Double?, attendance: Attendance = .attended, wai: [Int]? = nil, ors: Double? = nil) -> SessionRecord {
            SessionRecord(
                client: "C-102", clinician: "T-07", session: number, date: StoreFeeder.day(7 * (number - 1)),
                attendance: attendance, srs: srs.map(StoreFeeder.srs), waiSR: wai.map(WAISRRatings.init(items:)),
                ors: ors.map { ORSRatings(individually: $0 / 4, interpersonally: $0 / 4, socially: $0 / 4, overall: $0 / 4) }
            )
        }
        try feeder.ingest([
            session(1, 38.0, wai: wai, ors: 30), session(2, 38.4, wai: wai), session(4, 30.0, ors: 22),
            session(5, nil, attendance: .noShow), session(6, 36.0),
        ])
        try feeder.ingest(session(3, 37.6))
        return (store, directory)
    }

    @Test func historyOfASmallClient() throws {
        let (store, directory) = try Self.smallClient()
        defer { _ = directory }
        let history = try store.history(client: "C-102")
        #expect(history.episodes == ["1"])
        #expect(history.sessions.map(\.session) == [1, 2, 3, 4, 5, 6])
        #expect(history.sessions[2].late)
        #expect(history.sessions[3].alerts.map(\.rule) == [.belowCutoff, .rupture, .outcomeDecline])
        #expect(history.sessions[3].alerts[1].message.hasPrefix("Possible alliance rupture: client C-102"))

        let lines = HistoryReport(history: history, settings: Settings()).render().split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.prefix(10) == [
            "Client C-102: 6 sessions in episode 1",
            "",
            "Episode 1, clinician T-07",
            "    #  date         SRS  WAI-SR   ORS  alerts",
            "    1  2026-01-05  38.0    4.00  30.0",
            "    2  2026-01-12  38.4    4.00     -",
            "    3* 2026-01-19  37.6       -     -",
            "    4  2026-01-26  30.0       -  22.0  below-cutoff(notice), rupture(warning),",
            "                                       outcome-decline(warning)",
            "    5  2026-02-02  no-show             missed-after-alert(err)",
        ])
        #expect(lines.contains("SRS total, episode 1 (* score, --- cutoff 36.0)"))
        #expect(lines.contains("  36.0 |--------------*"))
        #expect(lines.contains("  30.0 |           *"))
        #expect(lines.contains("          1  2  3  4  6"))
        #expect(lines.contains("  3.00 |------"))
        #expect(lines.suffix(2) == ["* late record: stored after a later session; no rules were evaluated for it.", ""])
        #expect(lines.allSatisfy { $0.count <= 80 })
    }

    @Test func oneEpisodeOfSeveral() throws {
        let store = try StateStore.inMemory()
        var feeder = StoreFeeder(store)
        for episode in ["10", "2", "intake"] {
            try feeder.ingest(SessionRecord(client: "C-1", episode: episode, session: 1, date: StoreFeeder.day(0), srs: StoreFeeder.srs(39)))
        }
        #expect(try store.history(client: "C-1").episodes == ["2", "10", "intake"])
        #expect(try store.history(client: "C-1").sessions.map(\.episode) == ["2", "10", "intake"])
        let only = try store.history(client: "C-1", episode: "10")
        #expect(only.sessions.map(\.episode) == ["10"])
        #expect(only.episodes == ["2", "10", "intake"])
        #expect(try store.history(client: "C-1", episode: "3").sessions.isEmpty)
    }

    @Test func aClientWithOnlyAProfile() throws {
        let store = try StateStore.inMemory()
        let profile = ProfileRecord(client: "C-7", update: ProfileUpdate(substanceUse: true))
        _ = try store.write { transaction in
            try transaction.ingest(.profile(profile), canonical: "{}", origin: RecordOrigin(source: "p.json", line: 1), engine: AllianceEngine(settings: Settings()))
        }
        let history = try store.history(client: "C-7")
        #expect(history.sessions.isEmpty)
        #expect(HistoryReport(history: history, settings: Settings()).render() == "Client C-7: no sessions stored\n")
    }

    @Test func chartAgainstTheCutoff() {
        let points = [38.0, 35.9, 36.0, 39.5].enumerated().map { HistoryChart.Point(session: $0.offset + 1, score: $0.element) }
        #expect(HistoryChart.srs(title: "SRS", points: points, cutoff: 36).render() == [
            "SRS",
            "  39.5 |           *",
            "  39.0 |",
            "  38.5 |",
            "  38.0 |  *",
            "  37.5 |",
            "  37.0 |",
            "  36.5 |",
            "  36.0 |--------*---",
            "  35.5 |     *",
            "       +------------",
            "          1  2  3  4",
        ])
    }

    @Test func aLongSeriesShowsItsLastSessionsWithinEightyColumns() {
        let points = (1...130).map { HistoryChart.Point(session: $0, score: $0 % 2 == 0 ? 38 : 20) }
        let lines = HistoryChart.srs(title: "SRS", points: points, cutoff: 36).render()
        #expect(lines[0] == "SRS, last 24 of 130 sessions")
        #expect(lines.allSatisfy { $0.count <= 80 })
        // Three-digit session numbers leave out every other label rather than run together.
        #expect(lines.last == "        107   109   111   113   115   117   119   121   123   125   127   129")
        #expect(lines.count == 1 + 10 + 2)
    }
}
