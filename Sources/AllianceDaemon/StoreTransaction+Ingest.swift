import AllianceCore

extension StoreTransaction {
    /// What `ingest` did with one record.
    public struct Ingested: Sendable {
        public var outcome: AllianceEngine.Outcome
        /// Outbox ids of the alerts queued for the record, in order.
        public var alertIDs: [Int64]
        /// The highest session number stored for the record's client and episode afterwards
        /// (what a late record is below).
        public var highestSession: Int?
    }

    /// Ingests one record as SPEC §6.4 asks, inside this transaction: loads the client's (and the
    /// record's clinician's) state, runs the engine, and — when the record is stored — saves the
    /// state with its lapse window, stores a session record in the history and queues its
    /// alerts. A duplicate or a conflict changes nothing. `lapse` is not checked here; the
    /// caller does that on its clock with `lapseCandidates(on:lapse:)` and `AllianceEngine.checkLapse`.
    public func ingest(
        _ record: Record, canonical: String, origin: RecordOrigin, engine: AllianceEngine
    ) throws -> Ingested {
        let before = try self.client(record.client)
        var client = before ?? ClientState(client: record.client)
        var clinicianBefore: ClinicianState?
        var clinician: ClinicianState?
        if case .session(let session) = record, let name = session.clinician {
            clinicianBefore = try self.clinician(name)
            clinician = clinicianBefore ?? ClinicianState(clinician: name)
        }
        let outcome = engine.ingest(record, canonical: canonical, origin: origin, client: &client, clinician: &clinician)
        guard case .stored(let alerts, let late) = outcome else { return Ingested(outcome: outcome, alertIDs: [], highestSession: nil) }

        try save(client)
        if let clinician, clinician != clinicianBefore { try save(clinician) }
        if case .session(let session) = record {
            try insertSession(session, canonical: canonical, origin: origin, late: late)
            try updateOpenRuptures(
                client: session.client, episode: session.episode, session: session.session,
                before: before?.episodes[session.episode], after: client.episodes[session.episode]
            )
        }
        var highest: Int?
        if case .session(let session) = record { highest = client.episodes[session.episode]?.highestSession }
        return Ingested(outcome: outcome, alertIDs: try enqueue(alerts), highestSession: highest)
    }
}
