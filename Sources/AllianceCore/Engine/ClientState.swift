/// Everything the rules remember about one client, across episodes. The daemon keeps it in its
/// state database (in `ClientStateCodec`'s binary form); the core never stores it itself.
public struct ClientState: Hashable, Sendable, Codable {
    public var client: String
    public var profile = ClientProfile()
    public var episodes = EpisodeMap()
    /// The stored session record with the latest date (ties: ingested last), for `lapse`.
    public var latest: LatestSession?

    public init(client: String) { self.client = client }
}

/// The client's profile as merged from every update (SPEC §3.2).
public struct ClientProfile: Hashable, Sendable, Codable {
    public var substanceUse: Bool?
    public var diagnoses: [String]?
    public var motivation: Motivation?

    public init() {}

    /// Replaces the values of the top-level keys the update carries.
    public mutating func apply(_ update: ProfileUpdate) {
        if let value = update.substanceUse { substanceUse = value }
        if let value = update.diagnoses { diagnoses = value }
        if let value = update.motivation { motivation = value }
    }

    /// Substance use from the flag, or from an ICD-10 F10–F19 code not excluded.
    public func isSubstanceUse(_ risk: Settings.Risk) -> Bool {
        if substanceUse == true { return true }
        let excluded = risk.excludedCodes.map(ClientProfile.normalise)
        return (diagnoses ?? []).contains { code in
            let normalised = ClientProfile.normalise(code)
            guard normalised.count >= 3, normalised.hasPrefix("F1"),
                  let digit = normalised.dropFirst(2).first, digit.isASCII, digit.isNumber
            else { return false }
            return !excluded.contains { !$0.isEmpty && normalised.hasPrefix($0) }
        }
    }

    /// Low motivation: level low, ruler ≤ ruler_low_max, or URICA below urica_low_below.
    public func isLowMotivation(_ risk: Settings.Risk) -> Bool {
        guard let motivation else { return false }
        if motivation.level == .low { return true }
        if let ruler = motivation.ruler, Double.atMostAt4(ruler, risk.rulerLowMax) { return true }
        if let urica = motivation.urica, Double.lessAt4(urica, risk.uricaLowBelow) { return true }
        return false
    }

    /// The risk profile of SPEC §5: substance use and low motivation.
    public func isAtRisk(_ risk: Settings.Risk) -> Bool { isLowMotivation(risk) && isSubstanceUse(risk) }

    static func normalise(_ code: String) -> String {
        String(code.trimmingWhitespace().uppercased().filter { $0 != "." })
    }
}

extension String {
    func trimmingWhitespace() -> Substring {
        let isSpace: (Character) -> Bool = { $0.isWhitespace }
        guard let start = firstIndex(where: { !isSpace($0) }) else { return "" }
        let end = lastIndex(where: { !isSpace($0) })!
        return self[start...end]
    }
}

/// One episode: the stored session records, the two alliance series and the ORS state.
public struct EpisodeState: Hashable, Sendable, Codable {
    /// Stored session records of the episode, sorted by session number.
    public var sessions: [StoredSession] = []
    public var srs = SeriesState()
    public var waiSR = SeriesState()
    /// First ORS total of the episode (ingestion order, late records excluded).
    public var firstORS: Double?
    /// The previous ORS already satisfied the outcome-decline condition.
    public var previousORSDeclined = false

    public init() {}

    public var highestSession: Int? { sessions.last?.session }

    func index(of session: Int) -> (found: Bool, index: Int) {
        var low = 0
        var high = sessions.count
        while low < high {
            let mid = (low + high) / 2
            if sessions[mid].session < session { low = mid + 1 } else { high = mid }
        }
        return (low < sessions.count && sessions[low].session == session, low)
    }
}

/// What is kept of a stored session record: enough to tell duplicates from conflicts and to
/// know whether it raised an alert of warning or higher (for `missed-after-alert`).
public struct StoredSession: Hashable, Sendable, Codable {
    public var fingerprint: RecordFingerprint
    /// Kept in 32 bits (session numbers are 1–10000): a client's history holds one of these
    /// per stored record, and 24 bytes instead of 32 a piece matter across 100,000 clients.
    private var storedSession: Int32
    /// The most severe priority among the alerts written for this record, if any.
    public var alertPriority: Priority?

    public var session: Int {
        get { Int(storedSession) }
        set { storedSession = Int32(clamping: newValue) }
    }

    public init(session: Int, fingerprint: RecordFingerprint, alertPriority: Priority? = nil) {
        self.fingerprint = fingerprint
        storedSession = Int32(clamping: session)
        self.alertPriority = alertPriority
    }

    private enum CodingKeys: String, CodingKey {
        case session, fingerprint, alertPriority
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            session: try container.decode(Int.self, forKey: .session),
            fingerprint: try container.decode(RecordFingerprint.self, forKey: .fingerprint),
            alertPriority: try container.decodeIfPresent(Priority.self, forKey: .alertPriority)
        )
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(session, forKey: .session)
        try container.encode(fingerprint, forKey: .fingerprint)
        try container.encodeIfPresent(alertPriority, forKey: .alertPriority)
    }
}

/// The client's latest-dated stored session record, for `lapse`.
public struct LatestSession: Hashable, Sendable, Codable {
    public var date: CalendarDate
    public var episode: String
    public var session: Int
    public var clinician: String?
    public var recordID: String
    public var source: String
    public var episodeEnd: Bool
    public var alertPriority: Priority?
    public var lapseReported = false

    public init(
        date: CalendarDate, episode: String, session: Int, clinician: String?, recordID: String,
        source: String, episodeEnd: Bool, alertPriority: Priority?, lapseReported: Bool = false
    ) {
        self.date = date
        self.episode = episode
        self.session = session
        self.clinician = clinician
        self.recordID = recordID
        self.source = source
        self.episodeEnd = episodeEnd
        self.alertPriority = alertPriority
        self.lapseReported = lapseReported
    }

    /// The record's date when `lapse` may still follow it (it raised a warning or worse, did
    /// not end its episode, and no lapse was reported for it), whatever the lapse settings.
    public var lapseAnchor: CalendarDate? {
        guard !lapseReported, !episodeEnd, let alertPriority, alertPriority.isAtLeast(.warning) else { return nil }
        return date
    }

    /// Whether `lapse` may still fire for this record, and from which day to which day.
    public func lapseWindow(_ settings: Settings.Lapse) -> ClosedRange<CalendarDate>? {
        guard let anchor = lapseAnchor, settings.days <= settings.maxDays else { return nil }
        return anchor.adding(days: settings.days)...anchor.adding(days: settings.maxDays)
    }
}

/// A 128-bit digest of a record's canonical JSON: equal records have equal fingerprints.
public struct RecordFingerprint: Hashable, Sendable, Codable {
    public var high: UInt64
    public var low: UInt64

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// Two 64-bit multiply–xorshift digests with different constants over the text's UTF-8,
    /// eight bytes at a time (little-endian words; the daemon only compares fingerprints made
    /// on the same kind of machine).
    public init(canonical text: String) {
        var text = text
        (high, low) = text.withUTF8 { Self.digest(UnsafeRawBufferPointer($0)) }
    }

    static func digest(_ bytes: UnsafeRawBufferPointer) -> (UInt64, UInt64) {
        var a: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(bytes.count)
        var b: UInt64 = 0xC2B2_AE3D_27D4_EB4F &+ UInt64(bytes.count)
        @inline(__always) func mix(_ word: UInt64) {
            a = (a ^ word) &* 0xFF51_AFD7_ED55_8CCD
            a ^= a >> 32
            b = (b &+ word) &* 0xC4CE_B9FE_1A85_EC53
            b ^= b >> 29
        }
        var offset = 0
        while offset + 8 <= bytes.count {
            mix(bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            offset += 8
        }
        if offset < bytes.count {
            var tail: UInt64 = 0
            for index in offset..<bytes.count { tail |= UInt64(bytes[index]) << UInt64(8 * (index - offset)) }
            mix(tail ^ 0x8000_0000_0000_0000)
        }
        a ^= a >> 33
        a = a &* 0x62A9_D9ED_7997_05F5
        a ^= a >> 28
        b ^= b >> 31
        b = b &* 0x9E37_79B9_7F4A_7C15
        b ^= b >> 30
        return (a, b)
    }
}

/// Per clinician: the pattern alerts of their clients, for `clinician-pattern`.
public struct ClinicianState: Hashable, Sendable, Codable {
    public var clinician: String
    public var rigid = PatternHistory()
    public var uninvolved = PatternHistory()

    public init(clinician: String) { self.clinician = clinician }

    public struct PatternHistory: Hashable, Sendable, Codable {
        /// Session dates of the pattern alerts, per client.
        public var alerts: [String: [CalendarDate]] = [:]
        /// The date `clinician-pattern` last fired for this pattern.
        public var lastReported: CalendarDate?
        public init() {}
    }

    subscript(pattern kind: PatternKind) -> PatternHistory {
        get { kind == .rigid ? rigid : uninvolved }
        set { if kind == .rigid { rigid = newValue } else { uninvolved = newValue } }
    }

    /// Runs `body` on one pattern's history in place.
    mutating func withHistory<Result>(of kind: PatternKind, _ body: (inout PatternHistory) -> Result) -> Result {
        kind == .rigid ? body(&rigid) : body(&uninvolved)
    }
}

/// The two therapist-behaviour patterns.
public enum PatternKind: String, Sendable, Codable, CaseIterable {
    case rigid, uninvolved

    public var rule: RuleID { self == .rigid ? .rigidPattern : .uninvolvedPattern }
}

extension ClientState {
    /// The series with an open rupture (opened, neither repaired nor reported unrepaired), per
    /// episode, SRS before WAI-SR: what keeps a client on the attention list (SPEC §6.5).
    public func openRuptureSeries() -> [(episode: String, instrument: Instrument)] {
        var open: [(episode: String, instrument: Instrument)] = []
        for (episode, state) in episodes {
            if state.srs.rupture != nil { open.append((episode, .srs)) }
            if state.waiSR.rupture != nil { open.append((episode, .waiSR)) }
        }
        return open
    }
}
