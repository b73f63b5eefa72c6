/// One entry of an instrument series: the score and what the rules learned from it.
///
/// 16 bytes: the flags are packed in one byte, because a client's history holds one entry per
/// rated session in each series and 100,000 clients' entries add up.
public struct SeriesEntry: Hashable, Sendable, Codable {
    public var score: Double
    /// The entry's session number (0 when unknown: an entry stored before numbers were kept).
    private var storedSession: Int32
    private var flags: UInt8

    private static let openedRuptureFlag: UInt8 = 1
    private static let rigidFlag: UInt8 = 2
    private static let uninvolvedFlag: UInt8 = 4
    private static let rigidMarkerFlag: UInt8 = 8
    private static let uninvolvedMarkerFlag: UInt8 = 16

    public init(
        score: Double, session: Int = 0, openedRupture: Bool = false, rigid: Bool = false, uninvolved: Bool = false,
        rigidMarker: Bool = false, uninvolvedMarker: Bool = false
    ) {
        self.score = score
        storedSession = Int32(clamping: session)
        flags = (openedRupture ? Self.openedRuptureFlag : 0) | (rigid ? Self.rigidFlag : 0)
            | (uninvolved ? Self.uninvolvedFlag : 0) | (rigidMarker ? Self.rigidMarkerFlag : 0)
            | (uninvolvedMarker ? Self.uninvolvedMarkerFlag : 0)
    }

    /// The entry's session number, or nil when it was stored before numbers were kept.
    public var session: Int? { storedSession == 0 ? nil : Int(storedSession) }
    /// This entry opened a rupture; it is left out of later history windows.
    public var openedRupture: Bool { flags & Self.openedRuptureFlag != 0 }
    /// The entry was rigid (agreement strain or a rigid-family marker).
    public var rigid: Bool { flags & Self.rigidFlag != 0 }
    /// The entry was uninvolved (bond strain or an uninvolved-family marker).
    public var uninvolved: Bool { flags & Self.uninvolvedFlag != 0 }
    /// A rigid-family marker was coded for the entry's session.
    public var rigidMarker: Bool { flags & Self.rigidMarkerFlag != 0 }
    /// An uninvolved-family marker was coded for the entry's session.
    public var uninvolvedMarker: Bool { flags & Self.uninvolvedMarkerFlag != 0 }

    /// The packed flags, for `ClientStateCodec`.
    public var packedFlags: UInt8 { flags }

    /// An entry from its stored parts (`ClientStateCodec`).
    public init(score: Double, session: Int, packedFlags: UInt8) {
        self.score = score
        storedSession = Int32(clamping: session)
        flags = packedFlags
    }

    private enum CodingKeys: String, CodingKey {
        case score, session, openedRupture, rigid, uninvolved, rigidMarker, uninvolvedMarker
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func flag(_ key: CodingKeys) throws -> Bool { try container.decodeIfPresent(Bool.self, forKey: key) ?? false }
        self.init(
            score: try container.decode(Double.self, forKey: .score),
            session: try container.decodeIfPresent(Int.self, forKey: .session) ?? 0,
            openedRupture: try flag(.openedRupture), rigid: try flag(.rigid), uninvolved: try flag(.uninvolved),
            rigidMarker: try flag(.rigidMarker), uninvolvedMarker: try flag(.uninvolvedMarker)
        )
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(score, forKey: .score)
        try container.encodeIfPresent(session, forKey: .session)
        try container.encode(openedRupture, forKey: .openedRupture)
        try container.encode(rigid, forKey: .rigid)
        try container.encode(uninvolved, forKey: .uninvolved)
        if rigidMarker { try container.encode(true, forKey: .rigidMarker) }
        if uninvolvedMarker { try container.encode(true, forKey: .uninvolvedMarker) }
    }
}

/// An open rupture: its reference level, spread, and how many entries have followed it.
public struct OpenRupture: Hashable, Sendable, Codable {
    public var reference: Double
    public var spread: Double
    public var entriesSince: Int

    public init(reference: Double, spread: Double, entriesSince: Int = 0) {
        self.reference = reference
        self.spread = spread
        self.entriesSince = entriesSince
    }
}

/// The state of one instrument's series in one episode (SPEC §4–§5).
public struct SeriesState: Hashable, Sendable, Codable {
    public var entries: [SeriesEntry] = []
    /// Lower CUSUM Cₙ (unrounded).
    public var cusum: Double = 0
    public var declineArmed = true
    public var rupture: OpenRupture?
    public var rigidArmed = true
    public var uninvolvedArmed = true

    public init() {}

    /// Baseline μ₀ and σ₀ from the first `sessions` entries, once there are that many.
    func baseline(sessions: Int, sdFloor: Double) -> (mean: Double, sd: Double)? {
        guard entries.count >= sessions, sessions >= 1 else { return nil }
        let stats = Statistics.of(entries[0..<sessions], where: { _ in true })
        return (stats.mean, sessions == 1 ? sdFloor : max(stats.sd, sdFloor))
    }

    /// The history window H: among the `window` entries before the new one, those that did
    /// not open a rupture — their count, mean and sample SD.
    func historyWindow(size: Int) -> (count: Int, mean: Double, sd: Double) {
        Statistics.of(entries.suffix(size), where: { !$0.openedRupture })
    }
}

enum Statistics {
    /// Count, mean and sample SD (n − 1; 0 below two values) of the chosen entries' scores,
    /// without building an array: this runs for every entry.
    static func of(_ entries: ArraySlice<SeriesEntry>, where include: (SeriesEntry) -> Bool) -> (count: Int, mean: Double, sd: Double) {
        var count = 0
        var sum = 0.0
        for entry in entries where include(entry) {
            count += 1
            sum += entry.score
        }
        guard count > 0 else { return (0, 0, 0) }
        let mean = sum / Double(count)
        guard count > 1 else { return (count, mean, 0) }
        var squares = 0.0
        for entry in entries where include(entry) { squares += (entry.score - mean) * (entry.score - mean) }
        return (count, mean, (squares / Double(count - 1)).squareRoot())
    }
}
