/// What ``RecordParser`` made of one rating file.
public struct ParsedFile: Sendable {
    /// Every record of the file in file order, valid and rejected ones interleaved as written.
    public var entries: [ParsedEntry]
    /// Set when the whole file is unusable (a bad JSON document, a bad CSV header, an
    /// unsupported extension); `entries` is then empty. Its `line` is where the problem was
    /// found (the header's line, the line of a JSON syntax error), or 0 when it concerns no line
    /// (an unsupported extension).
    public var fileRejection: RecordIssue?

    public init(entries: [ParsedEntry] = [], fileRejection: RecordIssue? = nil) {
        self.entries = entries
        self.fileRejection = fileRejection
    }

    /// The valid records, in file order.
    public var records: [ParsedRecord] {
        entries.compactMap { if case .record(let record) = $0 { return record } else { return nil } }
    }

    /// The rejected records, in file order.
    public var rejected: [RejectedRecord] {
        entries.compactMap { if case .rejected(let rejected) = $0 { return rejected } else { return nil } }
    }
}

/// Where the parser puts a file's records, in file order, as it makes them.
protocol ParsedRecordSink {
    mutating func reserveCapacity(_ count: Int)
    mutating func add(record: consuming Record, line: Int, canonical: String, fingerprint: RecordFingerprint, sourceRange: Range<Int>)
    mutating func add(rejected: RejectedRecord)
}

extension ParsedFile: ParsedRecordSink {
    mutating func reserveCapacity(_ count: Int) { entries.reserveCapacity(count) }

    mutating func add(record: consuming Record, line: Int, canonical: String, fingerprint: RecordFingerprint, sourceRange: Range<Int>) {
        entries.append(.record(ParsedRecord(line: line, record: record, canonical: canonical, fingerprint: fingerprint, sourceRange: sourceRange)))
    }

    mutating func add(rejected: RejectedRecord) { entries.append(.rejected(rejected)) }
}

/// One record of a file: valid, or rejected with the reason.
public enum ParsedEntry: Sendable {
    case record(ParsedRecord)
    case rejected(RejectedRecord)

    /// The line (JSONL, CSV) or array position (JSON) the entry came from.
    public var line: Int {
        switch self {
        case .record(let record): return record.line
        case .rejected(let rejected): return rejected.issue.line
        }
    }
}

/// A valid record and where it came from.
public struct ParsedRecord: Sendable {
    /// 1-based line (JSONL; CSV: the line on which the row ends) or array position (JSON).
    public var line: Int
    public var record: Record
    /// ``SessionRecord/canonicalJSON`` or ``ProfileRecord/canonicalJSON``, for telling an
    /// identical duplicate from a conflict; empty when the parser was told not to keep it
    /// (``RecordParser/keepsCanonical``).
    public var canonical: String
    /// The digest of `canonical`, made while parsing (`replay` parses on another core).
    public var fingerprint: RecordFingerprint
    /// Where the record's bytes are in the parsed file (to keep a later-rejected record, e.g. a
    /// conflict, as written).
    public var sourceRange: Range<Int>

    public init(line: Int, record: Record, canonical: String, sourceRange: Range<Int> = 0..<0) {
        self.init(line: line, record: record, canonical: canonical, fingerprint: RecordFingerprint(canonical: canonical), sourceRange: sourceRange)
    }

    public init(line: Int, record: Record, canonical: String, fingerprint: RecordFingerprint, sourceRange: Range<Int> = 0..<0) {
        self.line = line
        self.record = record
        self.canonical = canonical
        self.fingerprint = fingerprint
        self.sourceRange = sourceRange
    }

    /// The record as written, on one line (line breaks between JSON tokens become spaces).
    public func text(in bytes: [UInt8]) -> String {
        guard sourceRange.upperBound <= bytes.count else { return "" }
        return String(decoding: bytes[sourceRange].map { $0 == 0x0A || $0 == 0x0D ? 0x20 : $0 }, as: UTF8.self)
    }
}

/// A record that breaks a rule, with the text to keep in `rejected/NAME.rejected.jsonl`.
public struct RejectedRecord: Hashable, Sendable {
    public var issue: RecordIssue
    /// The original line (without its line break), CSV row, or JSON array element. An element
    /// of a `.json` file is given without the whitespace between its tokens so that it fits on
    /// one line. Bytes that are not UTF-8 appear as U+FFFD; `sourceRange` has the exact bytes.
    public var text: String
    /// Where the record's bytes are in the parsed file.
    public var sourceRange: Range<Int>

    public init(issue: RecordIssue, text: String, sourceRange: Range<Int> = 0..<0) {
        self.issue = issue
        self.text = text
        self.sourceRange = sourceRange
    }
}
