/// A client's motivation for change (SPEC §3.2).
public struct Motivation: Hashable, Sendable, Codable {
    public enum Level: String, Sendable, Codable, CaseIterable {
        case low, moderate, high
    }

    /// Readiness ruler, 0–10.
    public var ruler: Double?
    /// URICA readiness composite C + A + M − PC, −5 to 15.
    public var urica: Double?
    public var level: Level?

    public init(ruler: Double? = nil, urica: Double? = nil, level: Level? = nil) {
        self.ruler = ruler
        self.urica = urica
        self.level = level
    }
}

/// The top-level profile keys one record carries; each present key replaces the stored value.
public struct ProfileUpdate: Hashable, Sendable, Codable {
    public var substanceUse: Bool?
    public var diagnoses: [String]?
    public var motivation: Motivation?

    public init(substanceUse: Bool? = nil, diagnoses: [String]? = nil, motivation: Motivation? = nil) {
        self.substanceUse = substanceUse
        self.diagnoses = diagnoses
        self.motivation = motivation
    }
}
