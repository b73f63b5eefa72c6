import AllianceCore

/// The text `alliance-watch history` prints: per episode, a table of the sessions with their
/// scores and alerts, then a chart of the SRS totals (and WAI-SR means, when there are any)
/// against the cutoffs. Lines are at most 80 columns, except an alert name longer than its column.
///
/// ```
/// Episode 1, clinician T-07
///     #  date         SRS  WAI-SR   ORS  alerts
///     1  2026-01-05  38.0    4.25  30.0
///     2  2026-01-12  30.0       -     -  below-cutoff(notice), rupture(warning)
///     3  2026-01-19  no-show             missed-after-alert(err)
/// ```
public struct HistoryReport: Sendable {
    public var history: ClientHistory
    public var settings: Settings

    public init(history: ClientHistory, settings: Settings) {
        self.history = history
        self.settings = settings
    }

    static let numberWidth = 5
    static let scoreColumns = [(title: "SRS", width: 4), (title: "WAI-SR", width: 6), (title: "ORS", width: 4)]
    /// The three score columns and the two spaces between them.
    static let scoresWidth = 4 + 2 + 6 + 2 + 4
    /// `#`, late mark, space, date, two spaces, scores, two spaces.
    static let alertsColumn = numberWidth + 1 + 1 + 10 + 2 + scoresWidth + 2

    public func render() -> String {
        var lines: [String] = []
        let episodes = orderedEpisodes()
        let sessionCount = history.sessions.count
        // A client is stored without sessions when only profile records came for it.
        guard sessionCount > 0 else { return "Client \(history.client): no sessions stored\n" }
        lines.append("Client \(history.client): \(sessionCount) session\(sessionCount == 1 ? "" : "s")"
            + (episodes.count == 1 ? " in episode \(episodes[0])" : " in \(episodes.count) episodes"))

        for episode in episodes {
            let sessions = history.sessions.filter { $0.episode == episode }
            lines.append("")
            lines.append(episodeHeading(episode, sessions))
            lines.append(header())
            for session in sessions { lines.append(contentsOf: rows(session)) }
            lines.append(contentsOf: charts(episode, sessions))
        }
        if history.sessions.contains(where: \.late) {
            lines.append("")
            lines.append("* late record: stored after a later session; no rules were evaluated for it.")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private func orderedEpisodes() -> [String] {
        var seen: Set<String> = []
        return history.sessions.map(\.episode).filter { seen.insert($0).inserted }
    }

    private func episodeHeading(_ episode: String, _ sessions: [ClientHistory.Session]) -> String {
        var seen: Set<String> = []
        let clinicians = sessions.compactMap(\.clinician).filter { seen.insert($0).inserted }
        switch clinicians.count {
        case 0: return "Episode \(episode)"
        case 1: return "Episode \(episode), clinician \(clinicians[0])"
        default: return "Episode \(episode), clinicians \(clinicians.joined(separator: ", "))"
        }
    }

    private func header() -> String {
        let scores = HistoryReport.scoreColumns.map { pad($0.title, $0.width) }.joined(separator: "  ")
        return pad("#", HistoryReport.numberWidth) + "  " + "date".padding(10) + "  " + scores + "  alerts"
    }

    private func rows(_ session: ClientHistory.Session) -> [String] {
        let number = pad(String(session.session), HistoryReport.numberWidth) + (session.late ? "*" : " ")
        let scores: String
        if session.attendance == .attended {
            scores = [(session.srs, 1), (session.waiSR, 2), (session.ors, 1)]
                .enumerated()
                .map { index, value in
                    let text = value.0.map { Decimal4.format($0, decimals: value.1) } ?? "-"
                    return pad(text, HistoryReport.scoreColumns[index].width)
                }
                .joined(separator: "  ")
        } else {
            scores = session.attendance.rawValue.padding(HistoryReport.scoresWidth)
        }
        let lead = number + " " + session.date.description + "  " + scores
        let alerts = session.alerts.map { "\($0.rule.rawValue)(\($0.priority.name))" }
        guard !alerts.isEmpty else { return [lead.trimmingTrailingSpaces()] }

        // Alerts fill the last column, wrapped at 80 columns after a comma.
        var lines: [String] = []
        var current = lead + "  "
        var first = true
        for (index, alert) in alerts.enumerated() {
            let piece = alert + (index < alerts.count - 1 ? "," : "")
            if !first, current.count + 1 + piece.count > HistoryChart.width {
                lines.append(current)
                current = String(repeating: " ", count: HistoryReport.alertsColumn) + piece
            } else {
                current += (first ? "" : " ") + piece
            }
            first = false
        }
        lines.append(current)
        return lines
    }

    private func charts(_ episode: String, _ sessions: [ClientHistory.Session]) -> [String] {
        var lines: [String] = []
        let srs = sessions.compactMap { session in session.srs.map { HistoryChart.Point(session: session.session, score: $0) } }
        if !srs.isEmpty {
            let cutoff = settings.srs.cutoff
            let title = "SRS total, episode \(episode) (* score, --- cutoff \(Decimal4.format(cutoff, decimals: 1)))"
            lines.append("")
            lines.append(contentsOf: HistoryChart.srs(title: title, points: srs, cutoff: cutoff).render())
        }
        let wai = sessions.compactMap { session in session.waiSR.map { HistoryChart.Point(session: session.session, score: $0) } }
        if !wai.isEmpty {
            let cutoff = settings.waiSR.cutoff
            let title = "WAI-SR mean, episode \(episode) (* score, --- cutoff \(Decimal4.format(cutoff, decimals: 2)))"
            lines.append("")
            lines.append(contentsOf: HistoryChart.waiSR(title: title, points: wai, cutoff: cutoff).render())
        }
        return lines
    }

    private func pad(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }
}

extension String {
    /// Left-aligned in `width` columns.
    fileprivate func padding(_ width: Int) -> String {
        self + String(repeating: " ", count: max(0, width - count))
    }

    fileprivate func trimmingTrailingSpaces() -> String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}
