/// One entry of an instrument series: the score and what the rules learned from it.
public struct SeriesEntry: Hashable, Sendable, Codable {
    public var score: Double
    /// This entry opened a rupture; it is left out of later history windows.
    public var openedRupture: Bool
    /// The entry was rigid (agreement strain or a rigid-family marker).
    public var rigid: Bool
    /// The entry was uninvolved (bond strain or an uninvolved-family marker).
    public var uninvolved: Bool

    public init(score: Double, openedRupture: Bool = false, rigid: Bool = false, uninvolved: Bool = false) {
        self.score = score
        self.openedRupture = openedRupture
        self.rigid = rigid
        self.uninvolved = uninvolved
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
