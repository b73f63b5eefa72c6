/// Turns one parsed JSON value into a ``Record``, applying every rule of SPEC §3.1–§3.4.
///
/// The first broken rule is reported, in this order: a number too large for a double, the
/// `schema`, the `type`, then each member in document order (unknown keys, types, ranges,
/// formats, nested objects), then missing required keys, the ratings rules, and last the date
/// against today.
struct RecordValidator: Sendable {
    let markerTable: KeyTable
    let markerSettings: Settings.Markers
    let today: CalendarDate
    /// The latest date a record may carry: today + 1 day (SPEC §3.1 Dates).
    let latestDate: CalendarDate

    init(settings: Settings, today: CalendarDate) {
        markerTable = KeyTable(settings.markers.rigid + settings.markers.uninvolved)
        markerSettings = settings.markers
        self.today = today
        latestDate = today.adding(days: 1)
    }

    /// Validates the record at node `root` (`mayHaveTooLargeNumbers` is the parser's flag) and
    /// gives it with its canonical form, made while the record is at hand rather than from a
    /// copy of it; `scratch` is storage for writing that form (at least
    /// ``CanonicalJSONWriter/scratchCapacity`` bytes), reused across records.
    /// The canonical text is left empty unless `keepsCanonical`; the fingerprint is always made.
    func parsedRecord(
        _ tape: JSONTape, root: Int, mayHaveTooLargeNumbers: Bool, scratch: UnsafeMutableBufferPointer<UInt8>,
        keepsCanonical: Bool = true
    ) throws(RecordProblem) -> (record: Record, canonical: String, fingerprint: RecordFingerprint) {
        guard tape[root].kind == .object else {
            throw RecordProblem(reason: .wrongType, field: nil, message: "expected a record object, got \(IssueText.describe(tape, root))")
        }
        if mayHaveTooLargeNumbers, let problem = firstTooLargeNumber(tape, root, path: "") { throw problem }

        var schema = -1
        var type = -1
        var key = tape.firstChild(root)
        for _ in 0..<tape[root].count {
            if isKey(tape, key, "schema") { schema = key + 1 }
            if isKey(tape, key, "type") { type = key + 1 }
            key = tape.nextMember(afterKey: key)
        }
        guard schema >= 0 else { throw missingField("schema") }
        let schemaNode = tape[schema]
        guard schemaNode.kind == .number, schemaNode.flags.contains(.isInteger), schemaNode.number == 1 else {
            throw RecordProblem(reason: .unsupportedSchema, field: "schema", message: "expected schema 1, got \(IssueText.describe(tape, schema))")
        }
        if type >= 0 {
            guard tape[type].kind == .string else { throw wrongType("a string", tape, type, path: "type") }
            switch tape.string(type) {
            case "session": break
            case "profile":
                let profile = try profileRecord(tape, root: root)
                let form = profile.canonicalForm(scratch: scratch, keepText: keepsCanonical)
                return (.profile(profile), form.text, form.fingerprint)
            default:
                throw RecordProblem(reason: .outOfRange, field: "type", message: "\(IssueText.quoted(tape.string(type))) is not one of session, profile")
            }
        }
        let session = try sessionRecord(tape, root: root)
        // Made first, so that the record's last use moves it into the enum instead of copying.
        let form = session.canonicalForm(scratch: scratch, keepText: keepsCanonical)
        return (.session(session), form.text, form.fingerprint)
    }

    @inline(__always)
    private func sessionRecord(_ tape: JSONTape, root: Int) throws(RecordProblem) -> SessionRecord {
        var id: String?
        var client: String?
        var clinician: String?
        var episode: String?
        var session: Int?
        var date: (value: CalendarDate, text: String)?
        var attendance = Attendance.attended
        var srs: SRSRatings?
        var waiSR: WAISRRatings?
        var psq: PSQRatings?
        var ors: ORSRatings?
        var markers: [String] = []
        var episodeEnd = false
        var profile: ProfileUpdate?

        var key = tape.firstChild(root)
        for _ in 0..<tape[root].count {
            let value = key + 1
            defer { key = tape[value].next }
            guard let field = try knownKey(tape, key, RecordKey.Session.self, prefix: "") else { continue }
            switch field {
            case .schema, .type: break
            case .id: id = try recordID(tape, value, path: "id")
            case .client: client = try pseudonym(tape, value, path: "client")
            case .clinician: clinician = try pseudonym(tape, value, path: "clinician")
            case .episode: episode = try pseudonym(tape, value, path: "episode")
            case .session: session = try integer(tape, value, in: 1...10_000, shown: "1…10000", path: "session")
            case .date: date = try self.date(tape, value)
            case .attendance: attendance = try self.attendance(tape, value)
            case .srs: srs = try self.srs(tape, value)
            case .waiSR: waiSR = try self.waiSR(tape, value)
            case .psq: psq = try self.psq(tape, value)
            case .ors: ors = try self.ors(tape, value)
            case .markers: markers = try self.markers(tape, value)
            case .episodeEnd: episodeEnd = try boolean(tape, value, path: "episode_end")
            case .profile: profile = try profileUpdate(tape, value)
            }
        }

        guard let client else { throw missingField("client") }
        guard let session else { throw missingField("session") }
        guard let date else { throw missingField("date") }
        if attendance == .attended {
            if srs == nil, waiSR == nil, psq == nil, ors == nil {
                throw RecordProblem(reason: .noRatings, field: nil, message: "an attended session needs at least one of srs, wai_sr, psq or ors")
            }
        } else {
            let present = srs != nil ? "srs" : waiSR != nil ? "wai_sr" : psq != nil ? "psq" : ors != nil ? "ors" : nil
            if let present {
                throw RecordProblem(reason: .ratingsOnMissedSession, field: present, message: "a '\(attendance.rawValue)' session cannot carry ratings")
            }
        }
        if date.value > latestDate {
            throw RecordProblem(reason: .futureDate, field: "date", message: "\(IssueText.quoted(date.text)) is more than one day after today (\(today))")
        }
        return SessionRecord(
            id: id, client: client, clinician: clinician, episode: episode ?? "1", session: session,
            date: date.value, dateText: date.text, attendance: attendance, srs: srs, waiSR: waiSR, psq: psq,
            ors: ors, markers: markers, episodeEnd: episodeEnd, profile: profile
        )
    }

    private func profileRecord(_ tape: JSONTape, root: Int) throws(RecordProblem) -> ProfileRecord {
        var id: String?
        var client: String?
        var update = ProfileUpdate()

        var key = tape.firstChild(root)
        for _ in 0..<tape[root].count {
            let value = key + 1
            defer { key = tape[value].next }
            guard let field = try knownKey(tape, key, RecordKey.ProfileRecord.self, prefix: "") else { continue }
            switch field {
            case .schema, .type: break
            case .client: client = try pseudonym(tape, value, path: "client")
            case .id: id = try recordID(tape, value, path: "id")
            case .substanceUse: update.substanceUse = try boolean(tape, value, path: "substance_use")
            case .diagnoses: update.diagnoses = try diagnoses(tape, value, path: "diagnoses")
            case .motivation: update.motivation = try motivation(tape, value, path: "motivation")
            }
        }
        guard let client else { throw missingField("client") }
        return ProfileRecord(id: id, client: client, update: update)
    }
}
