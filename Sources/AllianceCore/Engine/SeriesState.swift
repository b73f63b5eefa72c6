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
        let first = entries.prefix(sessions).map(\.score)
        let mean = first.reduce(0, +) / Double(first.count)
        let sd = sessions == 1 ? sdFloor : max(Statistics.sampleSD(first, mean: mean), sdFloor)
        return (mean, sd)
    }

    /// The history window H: among the `window` entries before the new one, those that did not open a rupture.
    func historyWindow(size: Int) -> [Double] {
        entries.suffix(size).filter { !$0.openedRupture }.map(\.score)
    }
}

enum Statistics {
    static func mean(_ values: [Double]) -> Double { values.reduce(0, +) / Double(values.count) }

    /// Sample SD (n − 1); 0 for fewer than two values.
    static func sampleSD(_ values: [Double], mean: Double) -> Double {
        guard values.count > 1 else { return 0 }
        let sum = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        return (sum / Double(values.count - 1)).squareRoot()
    }
}
