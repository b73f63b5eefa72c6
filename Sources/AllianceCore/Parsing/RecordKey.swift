/// A set of keys one level of a record allows, with a byte table to look them up.
protocol RecordKeySet: CaseIterable {
    init?(rawValue: Int)
    var name: String { get }
    static var table: KeyTable { get }
}

/// The keys SPEC §3.1–§3.2 allow at each level of a record.
enum RecordKey {
    /// Top level of a session record (SPEC §3.1).
    enum Session: Int, RecordKeySet {
        case schema, type, id, client, clinician, episode, session, date, attendance
        case srs, waiSR, psq, ors, markers, episodeEnd, profile

        var name: String {
            switch self {
            case .schema: return "schema"
            case .type: return "type"
            case .id: return "id"
            case .client: return "client"
            case .clinician: return "clinician"
            case .episode: return "episode"
            case .session: return "session"
            case .date: return "date"
            case .attendance: return "attendance"
            case .srs: return "srs"
            case .waiSR: return "wai_sr"
            case .psq: return "psq"
            case .ors: return "ors"
            case .markers: return "markers"
            case .episodeEnd: return "episode_end"
            case .profile: return "profile"
            }
        }

        static let table = KeyTable(allCases.map(\.name))
    }

    /// Top level of a profile record (SPEC §3.2).
    enum ProfileRecord: Int, RecordKeySet {
        case schema, type, client, id, substanceUse, diagnoses, motivation

        var name: String {
            switch self {
            case .schema: return "schema"
            case .type: return "type"
            case .client: return "client"
            case .id: return "id"
            case .substanceUse: return "substance_use"
            case .diagnoses: return "diagnoses"
            case .motivation: return "motivation"
            }
        }

        static let table = KeyTable(allCases.map(\.name))
    }

    /// A session's inline `profile` object.
    enum Profile: Int, RecordKeySet {
        case substanceUse, diagnoses, motivation

        var name: String {
            switch self {
            case .substanceUse: return "substance_use"
            case .diagnoses: return "diagnoses"
            case .motivation: return "motivation"
            }
        }

        static let table = KeyTable(allCases.map(\.name))
    }

    enum Motivation: Int, RecordKeySet {
        case ruler, urica, level

        var name: String {
            switch self {
            case .ruler: return "ruler"
            case .urica: return "urica"
            case .level: return "level"
            }
        }

        static let table = KeyTable(allCases.map(\.name))
    }

    enum SRS: Int, RecordKeySet {
        case relationship, goals, approach, overall

        var name: String {
            switch self {
            case .relationship: return "relationship"
            case .goals: return "goals"
            case .approach: return "approach"
            case .overall: return "overall"
            }
        }

        static let table = KeyTable(allCases.map(\.name))
    }

    enum ORS: Int, RecordKeySet {
        case individually, interpersonally, socially, overall

        var name: String {
            switch self {
            case .individually: return "individually"
            case .interpersonally: return "interpersonally"
            case .socially: return "socially"
            case .overall: return "overall"
            }
        }

        static let table = KeyTable(allCases.map(\.name))
    }

    enum PSQ: Int, RecordKeySet {
        case tension, intensity, resolution

        var name: String {
            switch self {
            case .tension: return "tension"
            case .intensity: return "intensity"
            case .resolution: return "resolution"
            }
        }

        static let table = KeyTable(allCases.map(\.name))
    }
}
