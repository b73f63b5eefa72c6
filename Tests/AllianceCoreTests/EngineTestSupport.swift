@testable import AllianceCore

/// Builds session records and replays them through a fresh `ReplayRun` for table-driven tests.
struct EngineHarness {
    var run: ReplayRun
    var date = CalendarDate(year: 2026, month: 1, day: 5)!
    var line = 0

    init(settings: Settings = Settings()) { run = ReplayRun(settings: settings) }

    /// An SRS with the total spread evenly (never a pattern).
    static func srs(_ total: Double) -> SRSRatings {
        let quarter = total / 4
        return SRSRatings(relationship: quarter, goals: quarter, approach: quarter, overall: quarter)
    }

    @discardableResult
    mutating func session(
        _ number: Int, client: String = "C-1", clinician: String? = "T-1", episode: String = "1",
        srs: SRSRatings? = nil, wai: [Int]? = nil, psq: PSQRatings? = nil, ors: ORSRatings? = nil,
        attendance: Attendance = .attended, markers: [String] = [], profile: ProfileUpdate? = nil,
        episodeEnd: Bool = false, on day: CalendarDate? = nil
    ) -> [Alert] {
        let record = SessionRecord(
            client: client, clinician: clinician, episode: episode, session: number, date: day ?? date,
            attendance: attendance, srs: srs, waiSR: wai.map(WAISRRatings.init(items:)), psq: psq, ors: ors,
            markers: markers, episodeEnd: episodeEnd, profile: profile
        )
        if day == nil { date = date.adding(days: 7) }
        line += 1
        let canonical = "\(record)"
        return run.ingest(.session(record), canonical: canonical, origin: RecordOrigin(source: "test.jsonl", line: line)).alerts
    }

    @discardableResult
    /// Feeds SRS totals as sessions 1…n of one client; returns the alerts per session (1-based).
    mutating func srsSeries(_ totals: [Double], client: String = "C-1") -> [Int: [String]] {
        var result: [Int: [String]] = [:]
        for (offset, total) in totals.enumerated() {
            let alerts = session(offset + 1, client: client, srs: Self.srs(total))
            if !alerts.isEmpty { result[offset + 1] = alerts.map { "\($0.rule.rawValue) \($0.priority.rawValue)" } }
        }
        return result
    }
}
