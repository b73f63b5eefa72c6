/// Why a record or a file was not ingested (SPEC §3.1, §2).
public enum RejectionReason: String, Sendable, Codable, CaseIterable {
    case invalidJSON = "invalid-json"
    case badCSVHeader = "bad-csv-header"
    case badCSVRow = "bad-csv-row"
    case unsupportedSchema = "unsupported-schema"
    case missingField = "missing-field"
    case unknownField = "unknown-field"
    case wrongType = "wrong-type"
    case wrongLength = "wrong-length"
    case outOfRange = "out-of-range"
    case invalidFormat = "invalid-format"
    case futureDate = "future-date"
    case noRatings = "no-ratings"
    case ratingsOnMissedSession = "ratings-on-missed-session"
    case unknownMarker = "unknown-marker"
    case conflict
    case unreadable
    // File-level reasons of the spool protocol (§2).
    case unsupportedExtension = "unsupported-extension"
    case tooLarge = "too-large"
    case notARegularFile = "not-a-regular-file"
}

/// A located problem with one record: the line (or array position) it came from, the field path
/// where one applies, and a sentence a person can act on.
public struct RecordIssue: Hashable, Sendable, Error, CustomStringConvertible {
    /// 1-based line (JSONL, CSV) or array position (JSON array); 1 for a single JSON object.
    public var line: Int
    public var reason: RejectionReason
    /// Dotted field path with 0-based indexes (`srs.approach`, `wai_sr[3]`), or nil.
    public var field: String?
    public var message: String

    public init(line: Int, reason: RejectionReason, field: String? = nil, message: String) {
        self.line = line
        self.reason = reason
        self.field = field
        self.message = message
    }

    /// `line 7: srs.approach: out-of-range: 11 is out of range 0…10`.
    public var description: String {
        var text = "line \(line): "
        if let field { text += "\(field): " }
        return text + "\(reason.rawValue): \(message)"
    }
}
