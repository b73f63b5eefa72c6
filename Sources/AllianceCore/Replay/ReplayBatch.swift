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
        fileRejection = parsed.fileRejection
        entries.reserveCapacity(parsed.entries.count)
        sessions.reserveCapacity(parsed.entries.count)
        let none = ReplayKeys(client: 0, clinician: nil)
        for entry in parsed.entries {
            switch entry {
            case .rejected(let rejected):
                entries.append(Entry(kind: .rejected, index: rejections.count, line: rejected.issue.line, fingerprint: .init(high: 0, low: 0), keys: none))
                rejections.append(rejected.issue)
            case .record(let parsedRecord):
                switch parsedRecord.record {
                case .session(let session):
                    let keys = names.keys(client: session.client, clinician: session.clinician)
                    entries.append(Entry(kind: .session, index: sessions.count, line: parsedRecord.line, fingerprint: parsedRecord.fingerprint, keys: keys))
                    sessions.append(session)
                case .profile(let profile):
                    let keys = names.keys(client: profile.client, clinician: nil)
                    entries.append(Entry(kind: .profile, index: profiles.count, line: parsedRecord.line, fingerprint: parsedRecord.fingerprint, keys: keys))
                    profiles.append(profile)
                }
            }
        }
    }
}
