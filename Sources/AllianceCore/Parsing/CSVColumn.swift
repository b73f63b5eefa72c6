/// A column of a rating CSV file (SPEC §3.3) and the record field it fills.
enum CSVColumn: Hashable {
    case client, clinician, episode, session, date, attendance, id
    /// `srs_relationship`, `srs_goals`, `srs_approach`, `srs_overall`, in ``RecordKey/SRS`` order.
    case srs(RecordKey.SRS)
    /// `wai_1` … `wai_12`, 0-based.
    case wai(Int)
    case psq(RecordKey.PSQ)
    case ors(RecordKey.ORS)
    case markers, episodeEnd, substanceUse, diagnoses
    case motivation(RecordKey.Motivation)
    /// An `x-` column, ignored.
    case ignored

    /// Every column SPEC §3.3 names, by its header name.
    static let byName: [String: CSVColumn] = {
        var columns: [String: CSVColumn] = [
            "client": .client, "clinician": .clinician, "episode": .episode, "session": .session,
            "date": .date, "attendance": .attendance, "id": .id, "markers": .markers,
            "episode_end": .episodeEnd, "substance_use": .substanceUse, "diagnoses": .diagnoses,
        ]
        for item in RecordKey.SRS.allCases { columns["srs_" + item.name] = .srs(item) }
        for item in RecordKey.ORS.allCases { columns["ors_" + item.name] = .ors(item) }
        for item in RecordKey.PSQ.allCases { columns["psq_" + item.name] = .psq(item) }
        for item in RecordKey.Motivation.allCases { columns["motivation_" + item.name] = .motivation(item) }
        for index in 0..<12 { columns["wai_\(index + 1)"] = .wai(index) }
        return columns
    }()
}
