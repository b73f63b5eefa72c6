import AllianceCore

/// What `alliance-watch caseload` prints (SPEC §8) and what the daily digest says (SPEC §6.5),
/// from one attention list: the same content in a table, JSON lines and a journal entry.
public struct CaseloadReport: Sendable {
    public var items: [AttentionItem]
    public var query: AttentionQuery

    public init(items: [AttentionItem], query: AttentionQuery) {
        self.items = items
        self.query = query
    }

    // MARK: Table

    /// A title line, then one line per client episode under a header, columns aligned:
    ///
    /// ```
    /// Attention list for 2026-03-02: 1 client episode (open ruptures; alerts of warning or higher dated 2026-02-03 to 2026-03-02)
    /// PRIORITY  CLIENT  EPISODE  CLINICIAN  SESSION  DATE        SRS                   WAI-SR  REASONS
    /// warning   C-102   1        T-07       5        2026-02-02  37.5 -> 38.0 -> 31.0  -       rupture open since session 5 (SRS); rupture@5 (warning)
    /// ```
    public func renderTable() -> String {
        let window = "open ruptures; alerts of warning or higher dated \(query.day.adding(days: 1 - query.days)) to \(query.day)"
        let scope = query.clinician.map { " for clinician \($0)" } ?? ""
        guard !items.isEmpty else { return "No client needs attention\(scope) on \(query.day) (\(window)).\n" }
        let count = "\(items.count) client episode\(items.count == 1 ? "" : "s")"
        var rows = [["PRIORITY", "CLIENT", "EPISODE", "CLINICIAN", "SESSION", "DATE", "SRS", "WAI-SR", "REASONS"]]
        for item in items {
            rows.append([
                item.priority.name, item.client, item.episode, item.clinician ?? "-", String(item.latestSession),
                item.latestDate.description, Self.trend(item.srs, decimals: 1), Self.trend(item.waiSR, decimals: 2),
                Self.reasons(item),
            ])
        }
        var widths = Array(repeating: 0, count: rows[0].count)
        for row in rows { for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) } }
        var lines = ["Attention list\(scope) for \(query.day): \(count) (\(window))"]
        for row in rows {
            var line = ""
            for (index, cell) in row.enumerated() {
                line += index == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[index] - cell.count + 2)
            }
            lines.append(line)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `37.5 -> 38.0 -> 31.0`, oldest first; `-` without scores.
    static func trend(_ scores: [Double], decimals: Int) -> String {
        scores.isEmpty ? "-" : scores.map { Decimal4.format($0, decimals: decimals) }.joined(separator: " -> ")
    }

    /// Open ruptures, then each qualifying alert as `rule@session (priority)`, then the risk flag.
    static func reasons(_ item: AttentionItem) -> String {
        var parts: [String] = []
        let ruptures = item.openRuptures.map { rupture in
            "rupture open since \(rupture.session.map { "session \($0)" } ?? "an earlier session") (\(instrumentName(rupture.instrument)))"
        }
        if !ruptures.isEmpty { parts.append(ruptures.joined(separator: ", ")) }
        if !item.alerts.isEmpty {
            parts.append(item.alerts.map { "\(mark($0)) (\($0.priority.name))" }.joined(separator: ", "))
        }
        if item.atRisk { parts.append(riskFlag) }
        return parts.joined(separator: "; ")
    }

    static let riskFlag = "sud-low-motivation"

    static func mark(_ alert: AttentionItem.QualifyingAlert) -> String {
        alert.rule.rawValue + (alert.session.map { "@\($0)" } ?? "")
    }

    static func instrumentName(_ instrument: Instrument) -> String { instrument == .srs ? "SRS" : "WAI-SR" }

    // MARK: JSON lines

    /// One JSON object per client episode, most urgent first:
    /// `{"client": "C-102", "episode": "1", "clinician": "T-07", "priority": "warning", …}`.
    public func renderJSONLines() -> String {
        items.map { item in
            let alerts = item.alerts.map { alert in
                "{\"rule\": \(JSONText.quote(alert.rule.rawValue)), \"session\": \(alert.session.map(String.init) ?? "null"), "
                    + "\"priority\": \(JSONText.quote(alert.priority.name)), \"date\": \(JSONText.quote(alert.date.description))}"
            }
            let ruptures = item.openRuptures.map { rupture in
                "{\"instrument\": \(JSONText.quote(rupture.instrument.rawValue)), \"since_session\": \(rupture.session.map(String.init) ?? "null")}"
            }
            let fields = [
                "\"client\": \(JSONText.quote(item.client))",
                "\"episode\": \(JSONText.quote(item.episode))",
                "\"clinician\": \(item.clinician.map(JSONText.quote) ?? "null")",
                "\"priority\": \(JSONText.quote(item.priority.name))",
                "\"latest_session\": \(item.latestSession)",
                "\"latest_date\": \(JSONText.quote(item.latestDate.description))",
                "\"srs\": [\(item.srs.map { Decimal4.format($0, decimals: 1) }.joined(separator: ", "))]",
                "\"wai_sr\": [\(item.waiSR.map { Decimal4.format($0, decimals: 2) }.joined(separator: ", "))]",
                "\"open_ruptures\": [\(ruptures.joined(separator: ", "))]",
                "\"alerts\": [\(alerts.joined(separator: ", "))]",
                "\"risk\": \(item.atRisk ? JSONText.quote(Self.riskFlag) : "null")",
            ]
            return "{" + fields.joined(separator: ", ") + "}\n"
        }.joined()
    }

    // MARK: Digest

    /// Clients named in a digest's MESSAGE before `and N more`.
    static let digestNamed = 10

    /// The digest entries of SPEC §6.5: one per clinician with a client needing attention, in
    /// order of clinician id, and last one for clients whose latest record names no clinician.
    public func digestEvents() -> [OperationalEvent] {
        var groups: [String?: [AttentionItem]] = [:]
        for item in items { groups[item.clinician, default: []].append(item) }
        let clinicians = groups.keys.compactMap { $0 }.sorted() as [String?] + (groups[nil] == nil ? [] : [nil])
        return clinicians.map { clinician in digestEvent(clinician: clinician, items: groups[clinician] ?? []) }
    }

    /// `3 clients need attention for clinician T-07: C-102 (rupture open since session 5, SRS 31.0),
    /// C-115 (unrepaired@6), C-120 (missed-after-alert@4, sud-low-motivation).`
    func digestEvent(clinician: String?, items: [AttentionItem]) -> OperationalEvent {
        // A client with two episodes on the list is one client: its episodes' reasons are joined.
        var clients: [String] = []
        var parts: [String: [String]] = [:]
        for item in items {
            if parts[item.client] == nil { clients.append(item.client) }
            parts[item.client, default: []].append(contentsOf: Self.digestParts(item))
        }
        let named = clients.prefix(Self.digestNamed).map { client -> String in
            var seen: Set<String> = []
            let reasons = (parts[client] ?? []).filter { seen.insert($0).inserted }
            return reasons.isEmpty ? client : "\(client) (\(reasons.joined(separator: ", ")))"
        }
        let more = clients.count > Self.digestNamed ? ", and \(clients.count - Self.digestNamed) more" : ""
        let whose = clinician.map { "for clinician \($0)" } ?? "(no clinician named)"
        let verb = clients.count == 1 ? "client needs" : "clients need"
        let message = "\(clients.count) \(verb) attention \(whose): \(named.joined(separator: ", "))\(more)."
        return .digest(clinician: clinician, clients: clients, message: message)
    }

    /// An open rupture with the series' latest score, then each alert as `rule@session` (the
    /// rupture alert that opened an open rupture is said by the rupture), then the risk flag.
    static func digestParts(_ item: AttentionItem) -> [String] {
        var parts: [String] = []
        for rupture in item.openRuptures {
            let since = rupture.session.map { "rupture open since session \($0)" } ?? "rupture open"
            let latest = rupture.instrument == .srs
                ? item.srs.last.map { "SRS \(Decimal4.format($0, decimals: 1))" }
                : item.waiSR.last.map { "WAI-SR \(Decimal4.format($0, decimals: 2))" }
            parts.append(since + (latest.map { ", \($0)" } ?? ""))
        }
        let openedAt = Set(item.openRuptures.compactMap(\.session))
        for alert in item.alerts where !(alert.rule == .rupture && alert.session.map(openedAt.contains) == true) {
            parts.append(mark(alert))
        }
        if item.atRisk { parts.append(riskFlag) }
        return parts
    }
}
