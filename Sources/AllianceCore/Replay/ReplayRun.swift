/// `replay`: the rules over records in the order given, with a fresh in-memory history
/// (SPEC §8). The clock for `lapse` is the latest date among the session records accepted so far.
public struct ReplayRun: Sendable {
    public let engine: AllianceEngine
    private var clients: [String: ClientState] = [:]
    private var clinicians: [String: ClinicianState] = [:]
    /// `now` for lapse: the latest session date accepted so far.
    public private(set) var now: CalendarDate?
    /// Clients whose lapse window opens on a day (day number → clients), checked as `now` passes it.
    private var lapseDue: [Int: [String]] = [:]
    public private(set) var summary = ReplaySummary()

    public init(settings: Settings) { engine = AllianceEngine(settings: settings) }

    /// What one record produced.
    public struct Step: Sendable {
        public var alerts: [Alert] = []
        /// Set for a late record (SPEC §3.1): stored, no rules evaluated.
        public var late = false
        public var duplicate = false
        public var conflict: RecordIssue?
        public var explanations: [AllianceEngine.Explanation] = []
    }

    public mutating func ingest(_ record: Record, canonical: String, origin: RecordOrigin, explain: Bool = false) -> Step {
        let name = record.client
        var clinicianName: String?
        var clinician: ClinicianState?
        if let id = record.sessionClinician {
            clinicianName = id
            clinician = clinicians.removeValue(forKey: id) ?? ClinicianState(clinician: id)
        }
        // Mutated in place in the dictionary: a copy would copy the client's whole history.
        let (outcome, explanations) = engine.ingest(
            record, canonical: canonical, origin: origin,
            client: &clients[name, default: ClientState(client: name)], clinician: &clinician, explain: explain
        )
        if let clinicianName, let clinician { clinicians[clinicianName] = clinician }
        var step = Step(explanations: explanations)
        switch outcome {
        case .duplicate:
            step.duplicate = true
            summary.duplicates += 1
            return step
        case .conflict(let issue):
            step.conflict = issue
            summary.rejectedRecords += 1
            return step
        case .stored(let alerts, let late):
            step.alerts = alerts
            step.late = late
        }
        summary.records += 1
        if let date = record.sessionDate {
            summary.sessions += 1
            if let current = now { now = max(current, date) } else { now = date }
            if step.late { summary.lateRecords += 1 }
        }
        // Lapse: this client first, then every client whose window opened since the last check.
        if let now {
            if let alert = engine.checkLapse(client: &clients[name, default: ClientState(client: name)], now: now) {
                step.alerts.append(alert)
            }
            if let client = clients[name] { schedule(client) }
            if let previous = lastLapseCheck, previous < now {
                for day in (previous.dayNumber + 1)...now.dayNumber {
                    guard let due = lapseDue.removeValue(forKey: day) else { continue }
                    for other in due where other != name && clients[other] != nil {
                        if let alert = engine.checkLapse(client: &clients[other]!, now: now) { step.alerts.append(alert) }
                    }
                }
            }
            lastLapseCheck = now
        }
        for alert in step.alerts { summary.count(alert) }
        return step
    }

    private var lastLapseCheck: CalendarDate?

    /// Remembers when this client's lapse window opens, if it is still ahead.
    private mutating func schedule(_ client: ClientState) {
        guard let window = client.latest?.lapseWindow(engine.settings.lapse), let now else { return }
        let opens = window.lowerBound
        guard opens > now else { return }
        lapseDue[opens.dayNumber, default: []].append(client.client)
    }

    /// The state of one client, for tests and `--explain`.
    public func state(of client: String) -> ClientState? { clients[client] }
}

/// Counts for `replay --summary`: what a clinic needs to tune thresholds against alert fatigue.
public struct ReplaySummary: Hashable, Sendable {
    public var records = 0
    public var sessions = 0
    public var lateRecords = 0
    public var duplicates = 0
    public var rejectedRecords = 0
    public var alertsByRule: [RuleID: Int] = [:]
    public var alertsByPriority: [Priority: Int] = [:]

    public init() {}

    mutating func count(_ alert: Alert) {
        alertsByRule[alert.rule, default: 0] += 1
        alertsByPriority[alert.priority, default: 0] += 1
    }

    public var alerts: Int { alertsByRule.values.reduce(0, +) }

    /// Alerts of priority warning or higher per 100 session records.
    public var warningsPer100Sessions: Double {
        guard sessions > 0 else { return 0 }
        let warnings = alertsByPriority.filter { $0.key.isAtLeast(.warning) }.values.reduce(0, +)
        return Double(warnings) * 100 / Double(sessions)
    }
}
