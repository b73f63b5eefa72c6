/// The rules of SPEC §5 as a pure function of a record, the client's state and the settings.
///
/// The engine does no I/O and reads no clock: the caller loads the client's (and the record's
/// clinician's) state, passes it in, and keeps what comes back — an in-memory dictionary for
/// `replay`, the state database for the daemon. The same input gives the same alerts everywhere.
public struct AllianceEngine: Sendable {
    public var settings: Settings

    public init(settings: Settings) { self.settings = settings }

    /// What happened to one record.
    public enum Outcome: Sendable {
        /// Stored; `alerts` in the order they are to be written. `late` records raise none.
        case stored(alerts: [Alert], late: Bool)
        /// Identical to a stored record: skipped silently.
        case duplicate
        /// A different record for a stored (client, episode, session): rejected.
        case conflict(RecordIssue)
    }

    /// One rule's reason for firing or not, for `replay --explain`.
    public struct Explanation: Hashable, Sendable {
        public var rule: RuleID
        public var instrument: String?
        public var fired: Bool
        public var reason: String
    }

    /// Ingests one record. `clinician` must be the state of the record's clinician when it has one.
    public func ingest(
        _ record: Record, canonical: String, origin: RecordOrigin,
        client: inout ClientState, clinician: inout ClinicianState?
    ) -> Outcome {
        ingest(record, canonical: canonical, origin: origin, client: &client, clinician: &clinician, explain: false).outcome
    }

    /// Ingests one record and says, rule by rule, why each fired or stayed quiet.
    public func ingest(
        _ record: Record, canonical: String, origin: RecordOrigin,
        client: inout ClientState, clinician: inout ClinicianState?, explain: Bool
    ) -> (outcome: Outcome, explanations: [Explanation]) {
        ingest(
            record, fingerprint: RecordFingerprint(canonical: canonical), origin: origin,
            client: &client, clinician: &clinician, explain: explain
        )
    }

    /// ``ingest(_:canonical:origin:client:clinician:explain:)`` with the fingerprint of the
    /// record's canonical text already made (``ParsedRecord/fingerprint``).
    public func ingest(
        _ record: Record, fingerprint: RecordFingerprint, origin: RecordOrigin,
        client: inout ClientState, clinician: inout ClinicianState?, explain: Bool
    ) -> (outcome: Outcome, explanations: [Explanation]) {
        switch record {
        case .profile(let profile):
            ingest(profile: profile, client: &client)
            return (.stored(alerts: [], late: false), [])
        case .session(let session):
            return ingest(session: session, fingerprint: fingerprint, origin: origin, client: &client, clinician: &clinician, explain: explain)
        }
    }

    /// A profile record: its update is merged into the client's profile.
    public func ingest(profile: ProfileRecord, client: inout ClientState) {
        client.profile.apply(profile.update)
    }

    /// A session record; `clinician` must be the state of the record's clinician when it has one.
    public func ingest(
        session: SessionRecord, fingerprint: RecordFingerprint, origin: RecordOrigin,
        client: inout ClientState, clinician: inout ClinicianState?, explain: Bool
    ) -> (outcome: Outcome, explanations: [Explanation]) {
        var evaluation = SessionEvaluation(explain: explain)
        let outcome = evaluation.ingest(
            session, fingerprint: fingerprint, origin: origin, client: &client, clinician: &clinician, settings: settings
        )
        return (outcome, evaluation.explanations)
    }

    /// `lapse` for one client at `now` (SPEC §5): at most one alert per stored record.
    public func checkLapse(client: inout ClientState, now: CalendarDate) -> Alert? {
        // Runs for every record: the common answer is found without copying the latest session.
        guard client.latest?.lapseWindow(settings.lapse)?.contains(now) == true else { return nil }
        guard case .fired(let draft) = LapseRule.evaluate(client.latest, now: now, settings: settings),
              var latest = client.latest
        else { return nil }
        latest.lapseReported = true
        client.latest = latest
        let subject = AlertSubject(
            client: client.client, clinician: latest.clinician, episode: latest.episode,
            session: latest.session, date: now, recordID: latest.recordID, source: latest.source
        )
        return AlertBuilder.build(draft, about: subject, atRisk: client.profile.isAtRisk(settings.risk), settings: settings)
    }
}
