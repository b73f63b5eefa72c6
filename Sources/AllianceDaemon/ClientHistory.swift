import AllianceCore

/// One client's stored sessions with their scores and alerts, for `alliance-watch history`.
public struct ClientHistory: Hashable, Sendable {
    public var client: String
    /// Every episode of the client, in order (numbers numerically, then other names).
    public var episodes: [String]
    /// The sessions asked for, in (episode, session) order.
    public var sessions: [Session]

    public init(client: String, episodes: [String], sessions: [Session]) {
        self.client = client
        self.episodes = episodes
        self.sessions = sessions
    }

    /// One stored session record and the alerts queued about it.
    public struct Session: Hashable, Sendable {
        public var episode: String
        public var session: Int
        public var date: CalendarDate
        public var clinician: String?
        public var attendance: Attendance
        /// SRS total, 0–40.
        public var srs: Double?
        /// WAI-SR mean, 1–5.
        public var waiSR: Double?
        /// ORS total, 0–40.
        public var ors: Double?
        /// Stored after a higher session number (SPEC §3.1): no rule was evaluated for it.
        public var late: Bool
        public var alerts: [SessionAlert]

        public init(
            episode: String, session: Int, date: CalendarDate, clinician: String? = nil,
            attendance: Attendance = .attended, srs: Double? = nil, waiSR: Double? = nil, ors: Double? = nil,
            late: Bool = false, alerts: [SessionAlert] = []
        ) {
            self.episode = episode
            self.session = session
            self.date = date
            self.clinician = clinician
            self.attendance = attendance
            self.srs = srs
            self.waiSR = waiSR
            self.ors = ors
            self.late = late
            self.alerts = alerts
        }
    }

    /// An alert about a session, in the order it was queued.
    public struct SessionAlert: Hashable, Sendable {
        public var rule: RuleID
        public var priority: Priority
        public var message: String

        public init(rule: RuleID, priority: Priority, message: String) {
            self.rule = rule
            self.priority = priority
            self.message = message
        }
    }

    /// Episode ids in the order a clinician expects: numbers by value ("2" before "10"), then
    /// other names alphabetically.
    public static func episodeOrder(_ a: String, _ b: String) -> Bool {
        switch (Int(a), Int(b)) {
        case let (x?, y?): return x != y ? x < y : a < b
        case (.some, nil): return true
        case (nil, .some): return false
        case (nil, nil): return a < b
        }
    }
}
