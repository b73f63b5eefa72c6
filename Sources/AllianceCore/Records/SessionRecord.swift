/// One rated session (SPEC §3.1), validated, with defaults filled in.
public struct SessionRecord: Hashable, Sendable {
    /// The record's id (default `client/episode/session`).
    public var id: String
    public var client: String
    public var clinician: String?
    /// Episode id, default `"1"`.
    public var episode: String
    /// Session number within the episode, 1–10000.
    public var session: Int
    /// The calendar date as written.
    public var date: CalendarDate
    /// The `date` string exactly as written (duplicates compare strings as written).
    public var dateText: String
    public var attendance: Attendance
    public var srs: SRSRatings?
    public var waiSR: WAISRRatings?
    public var psq: PSQRatings?
    public var ors: ORSRatings?
    public var markers: [String]
    public var episodeEnd: Bool
    public var profile: ProfileUpdate?

    public init(
        id: String? = nil, client: String, clinician: String? = nil, episode: String = "1",
        session: Int, date: CalendarDate, dateText: String? = nil, attendance: Attendance = .attended,
        srs: SRSRatings? = nil, waiSR: WAISRRatings? = nil, psq: PSQRatings? = nil, ors: ORSRatings? = nil,
        markers: [String] = [], episodeEnd: Bool = false, profile: ProfileUpdate? = nil
    ) {
        self.id = id ?? "\(client)/\(episode)/\(session)"
        self.client = client
        self.clinician = clinician
        self.episode = episode
        self.session = session
        self.date = date
        self.dateText = dateText ?? date.description
        self.attendance = attendance
        self.srs = srs
        self.waiSR = waiSR
        self.psq = psq
        self.ors = ors
        self.markers = markers
        self.episodeEnd = episodeEnd
        self.profile = profile
    }
}

/// A profile-only record (SPEC §3.2), `{"type": "profile", …}`.
public struct ProfileRecord: Hashable, Sendable {
    /// The record's id (default `client/profile`).
    public var id: String
    public var client: String
    public var update: ProfileUpdate

    public init(id: String? = nil, client: String, update: ProfileUpdate) {
        self.id = id ?? "\(client)/profile"
        self.client = client
        self.update = update
    }
}

/// A validated record of either type.
public enum Record: Hashable, Sendable {
    case session(SessionRecord)
    case profile(ProfileRecord)

    public var client: String {
        switch self {
        case .session(let record): return record.client
        case .profile(let record): return record.client
        }
    }

    public var id: String {
        switch self {
        case .session(let record): return record.id
        case .profile(let record): return record.id
        }
    }

    /// The session record's date; nil for a profile record.
    public var sessionDate: CalendarDate? {
        if case .session(let record) = self { return record.date }
        return nil
    }

    /// The session record's clinician, if any; nil for a profile record.
    public var sessionClinician: String? {
        if case .session(let record) = self { return record.clinician }
        return nil
    }
}
