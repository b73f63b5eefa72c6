import AllianceCore
import GRDB

extension StateStore {
    /// The stored sessions of `client` (of one episode when `episode` is given) with the alerts
    /// queued about each. Throws `StateStoreError.unknownClient` for a client never stored.
    public func history(client: String, episode: String? = nil) throws -> ClientHistory {
        try database.read { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM clients WHERE client = ?", arguments: [client]) != nil else {
                throw StateStoreError.unknownClient(client)
            }
            let episodes = try String.fetchAll(
                db, sql: "SELECT DISTINCT episode FROM sessions WHERE client = ?", arguments: [client]
            ).sorted(by: ClientHistory.episodeOrder)

            // Every filter is a bound argument; only which filters apply changes the SQL.
            let episodeFilter = episode == nil ? "" : " AND episode = ?"
            let arguments: StatementArguments = episode.map { [client, $0] } ?? [client]

            var alerts: [SessionKey: [ClientHistory.SessionAlert]] = [:]
            let alertRows = try Row.fetchAll(db, sql: """
                SELECT episode, session, rule, priority, message, key FROM alerts
                WHERE client = ?\(episodeFilter) ORDER BY id
                """, arguments: arguments)
            for row in alertRows {
                guard let alertEpisode: String = row["episode"], let session: Int = row["session"] else { continue }
                let key: String = row["key"]
                let ruleName: String = row["rule"]
                let priorityValue: Int = row["priority"]
                guard let rule = RuleID(rawValue: ruleName), let priority = Priority(rawValue: priorityValue) else {
                    throw StateStoreError.corruptValue(table: "alerts", key: key, reason: "rule '\(ruleName)', priority \(priorityValue)")
                }
                alerts[SessionKey(episode: alertEpisode, session: session), default: []]
                    .append(ClientHistory.SessionAlert(rule: rule, priority: priority, message: row["message"]))
            }

            let sessionRows = try Row.fetchAll(db, sql: """
                SELECT episode, session, date, clinician, attendance, srs, wai_sr, ors, late FROM sessions
                WHERE client = ?\(episodeFilter)
                """, arguments: arguments)
            let sessions = try sessionRows.map { row -> ClientHistory.Session in
                let sessionEpisode: String = row["episode"]
                let number: Int = row["session"]
                let dateText: String = row["date"]
                let attendanceText: String = row["attendance"]
                let location = "\(client)/\(sessionEpisode)/\(number)"
                guard let date = CalendarDate(isoText: dateText) else {
                    throw StateStoreError.corruptValue(table: "sessions", key: location, reason: "date '\(dateText)'")
                }
                guard let attendance = Attendance(rawValue: attendanceText) else {
                    throw StateStoreError.corruptValue(table: "sessions", key: location, reason: "attendance '\(attendanceText)'")
                }
                return ClientHistory.Session(
                    episode: sessionEpisode, session: number, date: date, clinician: row["clinician"],
                    attendance: attendance, srs: row["srs"], waiSR: row["wai_sr"], ors: row["ors"], late: row["late"],
                    alerts: alerts[SessionKey(episode: sessionEpisode, session: number)] ?? []
                )
            }.sorted { a, b in
                a.episode != b.episode ? ClientHistory.episodeOrder(a.episode, b.episode) : a.session < b.session
            }
            return ClientHistory(client: client, episodes: episodes, sessions: sessions)
        }
    }
}

private struct SessionKey: Hashable {
    var episode: String
    var session: Int
}

extension CalendarDate {
    /// Parses the `YYYY-MM-DD` form the store writes.
    public init?(isoText text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2])
        else { return nil }
        self.init(year: year, month: month, day: day)
    }
}
