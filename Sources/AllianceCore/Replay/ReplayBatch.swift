/// A parsed piece of input laid out for ``ReplayRun``: records by kind in arrays of their own,
/// so that the rules borrow each record where it lies instead of copying it out of an enum, and
/// with the client and clinician numbers of every record (``ReplayNames``). `replay` builds it
/// on the core that parses.
public struct ReplayBatch: Sendable {
    public enum Kind: UInt8, Sendable {
        case session, profile, rejected
    }

    /// One record of the piece, in file order.
    public struct Entry: Sendable {
        public var kind: Kind
        /// Index into `sessions`, `profiles` or `rejections`.
        public var index: Int
        public var line: Int
        public var fingerprint: RecordFingerprint
        public var keys: ReplayKeys
    }

    public private(set) var entries: [Entry] = []
    public private(set) var sessions: [SessionRecord] = []
    public private(set) var profiles: [ProfileRecord] = []
    public private(set) var rejections: [RecordIssue] = []
    /// The whole file is unusable (``ParsedFile/fileRejection``).
    public private(set) var fileRejection: RecordIssue?

    /// Lays out `parsed`, numbering its clients and clinicians with `names`.
    public init(_ parsed: ParsedFile, names: inout ReplayNames) {
        var builder = Builder()
        swap(&builder.names, &names)
        builder.batch.fileRejection = parsed.fileRejection
        builder.reserveCapacity(parsed.entries.count)
        for entry in parsed.entries {
            switch entry {
            case .rejected(let rejected):
                builder.add(rejected: rejected)
            case .record(let parsedRecord):
                builder.add(
                    record: parsedRecord.record, line: parsedRecord.line, canonical: "",
                    fingerprint: parsedRecord.fingerprint, sourceRange: parsedRecord.sourceRange
                )
            }
        }
        swap(&builder.names, &names)
        self = builder.batch
    }

    /// Parses a piece of a JSON-lines file that starts on line `firstLine` straight into the
    /// batch's layout, numbering its clients and clinicians with `names`.
    public init(jsonLines bytes: [UInt8], firstLine: Int, parser: RecordParser, names: inout ReplayNames) {
        var builder = Builder()
        swap(&builder.names, &names)
        parser.parseJSONLines(bytes, firstLine: firstLine, into: &builder)
        swap(&builder.names, &names)
        self = builder.batch
    }

    private init() {}

    private struct Builder: ParsedRecordSink {
        var batch = ReplayBatch()
        var names = ReplayNames()

        mutating func reserveCapacity(_ count: Int) {
            batch.entries.reserveCapacity(count)
            batch.sessions.reserveCapacity(count)
        }

        mutating func add(record: consuming Record, line: Int, canonical: String, fingerprint: RecordFingerprint, sourceRange: Range<Int>) {
            switch consume record {
            case .session(let session):
                let keys = names.keys(client: session.client, clinician: session.clinician)
                batch.entries.append(Entry(kind: .session, index: batch.sessions.count, line: line, fingerprint: fingerprint, keys: keys))
                batch.sessions.append(session)
            case .profile(let profile):
                let keys = names.keys(client: profile.client, clinician: nil)
                batch.entries.append(Entry(kind: .profile, index: batch.profiles.count, line: line, fingerprint: fingerprint, keys: keys))
                batch.profiles.append(profile)
            }
        }

        mutating func add(rejected: RejectedRecord) {
            let none = ReplayKeys(client: 0, clinician: nil)
            batch.entries.append(Entry(
                kind: .rejected, index: batch.rejections.count, line: rejected.issue.line,
                fingerprint: RecordFingerprint(high: 0, low: 0), keys: none
            ))
            batch.rejections.append(rejected.issue)
        }
    }
}
