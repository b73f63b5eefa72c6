import AllianceCore
import Foundation
import GRDB

/// One client episode that needs attention on a day (SPEC §6.5), with what a clinician needs to
/// decide: the latest session, the trend of the scores, why it is listed.
public struct AttentionItem: Hashable, Sendable {
    public var client: String
    public var episode: String
    /// The clinician of the episode's latest stored session record, if it names one.
    public var clinician: String?
    public var latestSession: Int
    public var latestDate: CalendarDate
    /// The latest SRS totals and WAI-SR means of the episode, at most three, oldest first.
    public var srs: [Double]
    public var waiSR: [Double]
    /// The qualifying alerts, by session and then in the order they were raised.
    public var alerts: [QualifyingAlert]
    /// Open ruptures, SRS before WAI-SR.
    public var openRuptures: [OpenRuptureMark]
    /// The profile is the risk profile of SPEC §5 (`sud-low-motivation`).
    public var atRisk: Bool

    /// An alert of warning or higher whose date lies within the window.
    public struct QualifyingAlert: Hashable, Sendable {
        public var rule: RuleID
        public var session: Int?
        public var priority: Priority
        public var date: CalendarDate
    }

    /// A series with an open rupture, and the session that opened it (nil when unknown: a
    /// rupture that was open when the state was migrated and whose alert was not kept).
    public struct OpenRuptureMark: Hashable, Sendable {
        public var instrument: Instrument
        public var session: Int?
        /// The date of the opening session, when known.
        public var date: CalendarDate?
    }

    /// The most severe priority among the reasons (an open rupture counts as warning).
    public var priority: Priority {
        var result = openRuptures.isEmpty ? Priority.info : .warning
        for alert in alerts { result = Priority.mostSevere(result, alert.priority) }
        return result
    }

    /// The most recent date among the qualifying alerts and the opening of open ruptures.
    public var latestReasonDate: CalendarDate? {
        (alerts.map(\.date) + openRuptures.compactMap(\.date)).max()
    }

    /// SPEC §6.5 order: most severe first, then the most recent alert date, then client id
    /// (then episode, so that the order is total).
    public static func urgencyOrder(_ a: AttentionItem, _ b: AttentionItem) -> Bool {
        if a.priority != b.priority { return a.priority < b.priority }
        let aDate = a.latestReasonDate?.dayNumber ?? Int.min
        let bDate = b.latestReasonDate?.dayNumber ?? Int.min
        if aDate != bDate { return aDate > bDate }
        if a.client != b.client { return a.client < b.client }
        return ClientHistory.episodeOrder(a.episode, b.episode)
    }
}

/// Which attention list: the day, how many days back an alert counts, and optionally one
/// clinician (SPEC §6.5, §8 `caseload`).
public struct AttentionQuery: Hashable, Sendable {
    public var day: CalendarDate
    public var days: Int
    /// Only the episodes whose latest record names this clinician.
    public var clinician: String?

    public init(day: CalendarDate, days: Int, clinician: String? = nil) {
        self.day = day
        self.days = days
        self.clinician = clinician
    }
}

extension StateStore {
    /// The attention list of SPEC §6.5, most urgent first, from one consistent snapshot of the
    /// database. It reads only the alerts of warning or higher in the window (an index), the open
    /// ruptures (a small table) and, per listed episode, its latest sessions and its client's
    /// profile: its cost follows the length of the list, not the size of the caseload.
    public func attentionList(_ query: AttentionQuery, risk: Settings.Risk) throws -> [AttentionItem] {
        try database.read { db in try StateStore.attentionList(db, query, risk: risk) }
    }

    static func attentionList(_ db: Database, _ query: AttentionQuery, risk: Settings.Risk) throws -> [AttentionItem] {
        var candidates: [EpisodeKey: Candidate] = [:]
        var order: [EpisodeKey] = []
        func candidate(_ key: EpisodeKey) -> Candidate {
            if let known = candidates[key] { return known }
            order.append(key)
            return Candidate()
        }

        // Dates are stored as YYYY-MM-DD, so text order is date order. The three terms of the
        // partial index alerts_attention are repeated for SQLite to use it.
        let alertRows = try Row.fetchCursor(db, sql: """
            SELECT client, episode, session, rule, priority, date FROM alerts
            WHERE priority <= 4 AND client IS NOT NULL AND date > ? AND date <= ?
            ORDER BY id
            """, arguments: [query.day.adding(days: -query.days).description, query.day.description])
        while let row = try alertRows.next() {
            let ruleName: String = row["rule"]
            let dateText: String = row["date"]
            guard let rule = RuleID(rawValue: ruleName), rule != .clinicianPattern,
                  let priority = Priority(rawValue: row["priority"]), let date = CalendarDate(isoText: dateText),
                  let client: String = row["client"], let episode: String = row["episode"]
            else { continue }
            let key = EpisodeKey(client: client, episode: episode)
            var entry = candidate(key)
            entry.alerts.append(AttentionItem.QualifyingAlert(rule: rule, session: row["session"], priority: priority, date: date))
            candidates[key] = entry
        }

        let ruptureRows = try Row.fetchCursor(db, sql: "SELECT client, episode, instrument, session FROM open_ruptures")
        while let row = try ruptureRows.next() {
            let instrumentName: String = row["instrument"]
            guard let instrument = Instrument(rawValue: instrumentName) else { continue }
            let key = EpisodeKey(client: row["client"], episode: row["episode"])
            var entry = candidate(key)
            entry.openRuptures.append(AttentionItem.OpenRuptureMark(instrument: instrument, session: row["session"], date: nil))
            candidates[key] = entry
        }

        let latest = try db.cachedStatement(sql: """
            SELECT session, date, clinician, srs, wai_sr, CASE WHEN json_valid(canonical) THEN json_extract(canonical, '$.episode_end') END AS ended
            FROM sessions WHERE client = ? AND episode = ? ORDER BY session DESC LIMIT ?
            """)
        let sessionDate = try db.cachedStatement(sql: "SELECT date FROM sessions WHERE client = ? AND episode = ? AND session = ?")
        let clientState = try db.cachedStatement(sql: "SELECT state FROM clients WHERE client = ?")
        var riskByClient: [String: Bool] = [:]
        var items: [AttentionItem] = []
        for key in order {
            guard let entry = candidates[key] else { continue }
            // The latest sessions, enough to find three of each score past a few no-shows.
            let rows = try Row.fetchAll(latest, arguments: [key.client, key.episode, 12])
            guard let first = rows.first else { continue }
            let ended: Int? = first["ended"]
            if ended == 1 { continue }
            let clinician: String? = first["clinician"]
            if let wanted = query.clinician, clinician != wanted { continue }
            let dateText: String = first["date"]
            guard let latestDate = CalendarDate(isoText: dateText) else {
                throw StateStoreError.corruptValue(table: "sessions", key: "\(key.client)/\(key.episode)", reason: "date '\(dateText)'")
            }
            var srs: [Double] = []
            var waiSR: [Double] = []
            for row in rows {
                if srs.count < 3, let value: Double = row["srs"] { srs.insert(value, at: 0) }
                if waiSR.count < 3, let value: Double = row["wai_sr"] { waiSR.insert(value, at: 0) }
            }
            var ruptures = entry.openRuptures.sorted { $0.instrument == .srs && $1.instrument != .srs }
            for index in ruptures.indices {
                guard let session = ruptures[index].session else { continue }
                let text = try String.fetchOne(sessionDate, arguments: [key.client, key.episode, session])
                ruptures[index].date = text.flatMap(CalendarDate.init(isoText:))
            }
            let atRisk: Bool
            if let known = riskByClient[key.client] {
                atRisk = known
            } else {
                let state = try Data.fetchOne(clientState, arguments: [key.client])
                    .map { try ClientStateCodec.decodeStored($0, client: key.client) }
                atRisk = state?.profile.isAtRisk(risk) ?? false
                riskByClient[key.client] = atRisk
            }
            items.append(AttentionItem(
                client: key.client, episode: key.episode, clinician: clinician,
                latestSession: first["session"], latestDate: latestDate, srs: srs, waiSR: waiSR,
                alerts: entry.alerts.enumerated().sorted { a, b in
                    let (x, y) = (a.element.session ?? Int.max, b.element.session ?? Int.max)
                    return x != y ? x < y : a.offset < b.offset
                }.map(\.element),
                openRuptures: ruptures, atRisk: atRisk
            ))
        }
        return items.sorted(by: AttentionItem.urgencyOrder)
    }
}

private struct EpisodeKey: Hashable {
    var client: String
    var episode: String
}

private struct Candidate {
    var alerts: [AttentionItem.QualifyingAlert] = []
    var openRuptures: [AttentionItem.OpenRuptureMark] = []
}
