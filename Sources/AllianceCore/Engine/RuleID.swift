/// The rules of SPEC §5, in the order their alerts are written for one session.
public enum RuleID: String, Sendable, Codable, CaseIterable, Hashable {
    case belowCutoff = "below-cutoff"
    case dip
    case rupture
    case repaired
    case unrepaired
    case decline
    case rigidPattern = "rigid-pattern"
    case uninvolvedPattern = "uninvolved-pattern"
    case earlyRisk = "early-risk"
    case clientTension = "client-tension"
    case outcomeDecline = "outcome-decline"
    case clinicianPattern = "clinician-pattern"
    case missedAfterAlert = "missed-after-alert"
    case lapse

    public var basePriority: Priority {
        switch self {
        case .belowCutoff, .repaired, .clientTension, .clinicianPattern: return .notice
        case .dip: return .info
        case .rupture, .unrepaired, .decline, .rigidPattern, .uninvolvedPattern, .outcomeDecline, .lapse:
            return .warning
        case .earlyRisk, .missedAfterAlert: return .err
        }
    }

    /// The journal MESSAGE_ID (SPEC §6.1).
    public var messageID: String {
        switch self {
        case .belowCutoff: return "8a6ee9858e1c4b449ca424fa7033c4f4"
        case .dip: return "95f20c38888648f882ba1e58c1877c05"
        case .rupture: return "20cf6d3cab5541fbae18582f449b638b"
        case .repaired: return "3baf484ad0a34bce96ad31551b7bcb2e"
        case .unrepaired: return "971e188d48ad4e8599ed0b62a50b662f"
        case .decline: return "82393c447d3543278f9ec2e557bf610d"
        case .rigidPattern: return "28a415cc1b0549129f9a26a87e15b856"
        case .uninvolvedPattern: return "5d1d6ee8716e44daa990ee5ac9b88c4c"
        case .earlyRisk: return "df17ecc71e0640a3b716d9043f56e5f2"
        case .clientTension: return "19d0ed598ba141d296880ffb5a5fce20"
        case .missedAfterAlert: return "4e812fbac60545b7ad7e8b4eb3e504ec"
        case .outcomeDecline: return "5f62c772c32d4b0799fcb1e0627547a9"
        case .clinicianPattern: return "6fc4e759a1114991b1615685c5fc0ae9"
        case .lapse: return "e50272a6dca74db7818a0634f2dca0ea"
        }
    }
}

/// An alliance instrument that has a series (SPEC §4).
public enum Instrument: String, Sendable, Codable, CaseIterable {
    case srs
    case waiSR = "wai-sr"

    /// Decimals for displayed scores: SRS one, WAI-SR two.
    public var decimals: Int { self == .srs ? 1 : 2 }
    public var displayName: String { self == .srs ? "SRS" : "WAI-SR" }
}
