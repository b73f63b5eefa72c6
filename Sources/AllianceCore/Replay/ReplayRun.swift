/// `replay`: the rules over records in the order given, with a fresh in-memory history
/// (SPEC §8). The clock for `lapse` is the latest date among the session records accepted so far.
public struct ReplayRun: Sendable {
    public let engine: AllianceEngine
    /// Client states by client number (``ReplayNames``): an array, not a dictionary keyed by
    /// name, because `replay` runs millions of records and the name is hashed on another core.
    private var clients: [ClientState] = []
    private var clinicians: [ClinicianState?] = []
    private var clinicianKnown: [Bool] = []
    /// Numbers for the records given without ``ReplayKeys``.
    private var names = ReplayNames()
    /// `now` for lapse: the latest session date accepted so far.
    public private(set) var now: CalendarDate?
    /// Clients whose lapse window opens on a day (day number → client numbers), checked as `now`
    /// passes it.
    private var lapseDue: [Int: [Int32]] = [:]
    private var lastLapseCheck: CalendarDate?
    public private(set) var summary = ReplaySummary()

    public init(settings: Settings) { engine = AllianceEngine(settings: settings) }

    /// What one record produced.
    public struct Step: Sendable {
        public var alerts: [Alert] = []
        /// Set for a late record (SPEC §3.1): stored, no rules evaluated.
        public var late = false
        /// For a late record: the highest session number stored in its episode.
        public var highestSession: Int?
        public var duplicate = false
        public var conflict: RecordIssue?
        public var explanations: [AllianceEngine.Explanation] = []
    }

    /// Ingests one record, numbering its client and clinician itself. Do not mix with
    /// ``ingest(_:fingerprint:keys:origin:explain:)`` in one run.
    public mutating func ingest(_ record: Record, canonical: String, origin: RecordOrigin, explain: Bool = false) -> Step {
        let keys = names.keys(for: record)
        return ingest(record, fingerprint: RecordFingerprint(canonical: canonical), keys: keys, origin: origin, explain: explain)
    }

    /// Ingests one record whose client and clinician were numbered by one ``ReplayNames`` that
    /// saw every record of the run in order.
    public mutating func ingest(
        _ record: Record, fingerprint: RecordFingerprint, keys: ReplayKeys, origin: RecordOrigin, explain: Bool = false
    ) -> Step {
        switch record {
        case .session(let session): return ingest(session: session, fingerprint: fingerprint, keys: keys, origin: origin, explain: explain)
        case .profile(let profile): return ingest(profile: profile, keys: keys)
        }
    }

    /// ``ingest(_:fingerprint:keys:origin:explain:)`` for a profile record.
    public mutating func ingest(profile: ProfileRecord, keys: ReplayKeys) -> Step {
        let index = clientIndex(keys, name: profile.client)
        engine.ingest(profile: profile, client: &clients[index])
        summary.records += 1
        return Step()
    }

    /// ``ingest(_:fingerprint:keys:origin:explain:)`` for a session record.
    public mutating func ingest(
        session: SessionRecord, fingerprint: RecordFingerprint, keys: ReplayKeys, origin: RecordOrigin, explain: Bool = false
    ) -> Step {
        let index = clientIndex(keys, name: session.client)
        var noClinician: ClinicianState?
        if let clinician = keys.clinician, let name = session.clinician {
            let number = Int(clinician)
            if number >= clinicians.count {
                clinicians.append(contentsOf: repeatElement(nil, count: number - clinicians.count + 1))
                clinicianKnown.append(contentsOf: repeatElement(false, count: number - clinicianKnown.count + 1))
            }
            // A flag apart: comparing the state with nil would copy it.
            if !clinicianKnown[number] {
                clinicians[number] = ClinicianState(clinician: name)
                clinicianKnown[number] = true
            }
        }
        // Client and clinician states are mutated in place in their arrays: a copy would copy
        // the client's whole history.
        let (outcome, explanations): (AllianceEngine.Outcome, [AllianceEngine.Explanation])
        if let clinician = keys.clinician {
            (outcome, explanations) = engine.ingest(
                session: session, fingerprint: fingerprint, origin: origin,
                client: &clients[index], clinician: &clinicians[Int(clinician)], explain: explain
            )
        } else {
            (outcome, explanations) = engine.ingest(
                session: session, fingerprint: fingerprint, origin: origin,
                client: &clients[index], clinician: &noClinician, explain: explain
            )
        }
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
        summary.sessions += 1
        if let current = now { now = max(current, session.date) } else { now = session.date }
        if step.late {
            summary.lateRecords += 1
            step.highestSession = clients[index].episodes[session.episode]?.highestSession
        }
        // Lapse: this client first, then every client whose window opened since the last check.
        if let now {
            if let alert = engine.checkLapse(client: &clients[index], now: now) {
                step.alerts.append(alert)
            }
            schedule(index)
            if let previous = lastLapseCheck, previous < now {
                for day in (previous.dayNumber + 1)...now.dayNumber {
                    guard let due = lapseDue.removeValue(forKey: day) else { continue }
                    for other in due where Int(other) != index {
                        if let alert = engine.checkLapse(client: &clients[Int(other)], now: now) { step.alerts.append(alert) }
                    }
                }
            }
            lastLapseCheck = now
        }
        for alert in step.alerts { summary.count(alert) }
        return step
    }

    /// The index of the record's client in `clients`, which grows to hold it.
    private mutating func clientIndex(_ keys: ReplayKeys, name: String) -> Int {
        let index = Int(keys.client)
        if index >= clients.count {
            clients.append(contentsOf: repeatElement(ClientState(client: ""), count: index - clients.count + 1))
        }
        if clients[index].client.isEmpty { clients[index].client = name }
        return index
    }

    /// Remembers when this client's lapse window opens, if it is still ahead.
    private mutating func schedule(_ index: Int) {
        guard let window = clients[index].latest?.lapseWindow(engine.settings.lapse), let now else { return }
        let opens = window.lowerBound
        guard opens > now else { return }
        lapseDue[opens.dayNumber, default: []].append(Int32(index))
    }

    /// The state of one client, for tests (a linear search).
    public func state(of client: String) -> ClientState? { clients.first { $0.client == client } }
}

/// The client and clinician numbers of a record in one `replay` run.
public struct ReplayKeys: Hashable, Sendable {
    public var client: Int32
    public var clinician: Int32?

    public init(client: Int32, clinician: Int32?) {
        self.client = client
        self.clinician = clinician
    }
}

/// Numbers clients and clinicians in the order they first appear, so that ``ReplayRun`` keeps
/// their states in arrays. `replay` numbers each piece of a file on the core that parses it.
public struct ReplayNames: Sendable {
    private var clients = NameTable()
    private var clinicians = NameTable()

    public init() {}

    public mutating func keys(for record: Record) -> ReplayKeys {
        keys(client: record.client, clinician: record.sessionClinician)
    }

    public mutating func keys(client: String, clinician: String?) -> ReplayKeys {
        ReplayKeys(client: clients.number(of: client), clinician: clinician.map { clinicians.number(of: $0) })
    }
}

/// Numbers for names in the order they first appear: an open-addressing table keyed by an
/// FNV-1a hash of the name's UTF-8. Names are short pseudonyms; a `[String: Int32]` spent
/// twice as long here, in seeded hashing and in a second probe for the key.
struct NameTable: Sendable {
    /// 0 for an empty slot, else the hash's high half and the name's number plus one.
    private var slots = [UInt64](repeating: 0, count: 1024)
    private var names: [String] = []
    private var hashes: [UInt64] = []

    mutating func number(of name: String) -> Int32 {
        let hash = Self.hash(name)
        let tag = hash >> 32
        let mask = slots.count - 1
        var index = Int(truncatingIfNeeded: hash) & mask
        while true {
            let slot = slots[index]
            if slot == 0 { break }
            let number = Int(truncatingIfNeeded: slot & 0xFFFF_FFFF) - 1
            if slot >> 32 == tag, names[number] == name { return Int32(number) }
            index = (index + 1) & mask
        }
        let number = names.count
        names.append(name)
        hashes.append(hash)
        slots[index] = tag << 32 | UInt64(number + 1)
        if names.count * 2 > slots.count { grow() }
        return Int32(number)
    }

    /// Doubles the slots, keeping the load at most one half.
    private mutating func grow() {
        slots = [UInt64](repeating: 0, count: slots.count * 2)
        let mask = slots.count - 1
        for (number, hash) in hashes.enumerated() {
            var index = Int(truncatingIfNeeded: hash) & mask
            while slots[index] != 0 { index = (index + 1) & mask }
            slots[index] = (hash >> 32) << 32 | UInt64(number + 1)
        }
    }

    private static func hash(_ name: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in name.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        // Spread the high bits into the low ones, which pick the slot.
        hash ^= hash >> 29
        hash = hash &* 0xBF58_476D_1CE4_E5B9
        return hash ^ (hash >> 32)
    }
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
