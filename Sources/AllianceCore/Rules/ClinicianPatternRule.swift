/// `clinician-pattern`: the same therapist-behaviour pattern in several of one clinician's
/// clients within a window of days — a topic for supervision rather than for one client.
enum ClinicianPatternRule {
    /// Records a pattern alert of `client` dated `date` and decides whether the clinician-level alert fires.
    static func evaluate(
        _ kind: PatternKind, client: String, date: CalendarDate,
        history: inout ClinicianState.PatternHistory, settings: Settings, explain: Bool = false
    ) -> (verdict: RuleVerdict, clients: Int) {
        var dates = history.alerts[client] ?? []
        if !dates.contains(date) { dates.append(date) }
        history.alerts[client] = dates
        let windowDays = settings.clinician.windowDays
        let earliest = date.adding(days: -windowDays)
        let clients = history.alerts.values.filter { list in list.contains { $0 >= earliest && $0 <= date } }.count
        guard clients >= settings.clinician.minClients else {
            return (quietVerdict(explain, "\(clients) of the clinician's clients showed a \(kind.rawValue) pattern within \(windowDays) days, fewer than min_clients \(settings.clinician.minClients)"), clients)
        }
        if let last = history.lastReported, date < last.adding(days: windowDays) {
            return (quietVerdict(explain, "\(clients) clients showed a \(kind.rawValue) pattern, but it was reported on \(last), within \(windowDays) days"), clients)
        }
        history.lastReported = date
        return (.fired(AlertDraft(
            rule: .clinicianPattern, score: String(clients), threshold: String(settings.clinician.minClients),
            pattern: kind,
            headline: "\(clients) clients showed a \(kind.rawValue) pattern within \(windowDays) days",
            detail: "Consider reviewing these sessions in supervision."
        )), clients)
    }
}
