/// Where a record came from: the spool file name (not the path) and its line or array position.
public struct RecordOrigin: Hashable, Sendable, Codable {
    public var source: String
    public var line: Int
    public init(source: String, line: Int) {
        self.source = source
        self.line = line
    }
}

/// One alert, ready to be written as a journal entry (SPEC §6.1).
///
/// An alert the engine raises keeps its rule's draft and its record's fields, and writes its
/// key, message and fields when they are first asked for: `replay` asks on its writer's thread,
/// so the text is made on the other core while the rules go on.
public struct Alert: Hashable, Sendable {
    public var rule: RuleID
    public var priority: Priority
    var content: Content

    /// The text, written or still to write. Indirect: an alert stays a few words wide.
    indirect enum Content: Sendable {
        case written(key: String, message: String, fields: [JournalField])
        case session(AlertDraft, AlertSubject, title: String, risk: Bool)
        case clinician(AlertDraft, clinician: String, date: CalendarDate, source: String, title: String)
    }

    public init(rule: RuleID, priority: Priority, key: String, message: String, fields: [JournalField]) {
        self.rule = rule
        self.priority = priority
        content = .written(key: key, message: message, fields: fields)
    }

    /// An alert about one session record; `risk` when the risk modifier applied.
    init(_ draft: AlertDraft, priority: Priority, about subject: AlertSubject, title: String, risk: Bool) {
        rule = draft.rule
        self.priority = priority
        content = .session(draft, subject, title: title, risk: risk)
    }

    /// A clinician-level alert: no client, episode, session, instrument or record.
    init(clinician draft: AlertDraft, priority: Priority, clinician: String, date: CalendarDate, source: String, title: String) {
        rule = .clinicianPattern
        self.priority = priority
        content = .clinician(draft, clinician: clinician, date: date, source: source, title: title)
    }

    /// `ALLIANCE_ALERT`, the stable de-duplication key.
    public var key: String {
        switch content {
        case .written(let key, _, _):
            return key
        case let .session(draft, subject, _, _):
            return [draft.rule.rawValue, subject.client, subject.episode, draft.instrument ?? "", String(subject.session)]
                .joined(separator: "/")
        case let .clinician(draft, clinician, date, _, _):
            return "clinician-pattern/\(clinician)/\(draft.pattern?.rule.rawValue ?? "")/\(date)"
        }
    }

    /// `MESSAGE`: one line for a person.
    public var message: String {
        switch content {
        case .written(_, let message, _):
            return message
        case let .session(draft, subject, title, risk):
            var who = "client \(subject.client)"
            if let clinician = subject.clinician { who += " (clinician \(clinician))" }
            who += " session \(subject.session)"
            if risk { who += " (substance use, low motivation)" }
            let text = draft.text
            let separator = text.headline.hasPrefix("(") ? " " : ": "
            return "\(title): \(who)\(separator)\(text.headline). \(text.detail)"
        case let .clinician(draft, clinician, date, _, title):
            let text = draft.text
            return "\(title): clinician \(clinician) on \(date): \(text.headline). \(text.detail)"
        }
    }

    /// The `ALLIANCE_*` fields other than `ALLIANCE_RULE` and `ALLIANCE_ALERT`, in a stable order.
    public var fields: [JournalField] {
        switch content {
        case .written(_, _, let fields):
            return fields
        case let .session(draft, subject, _, risk):
            var fields: [JournalField] = []
            fields.reserveCapacity(14)
            fields.append(JournalField("ALLIANCE_CLIENT", subject.client))
            if let clinician = subject.clinician { fields.append(JournalField("ALLIANCE_CLINICIAN", clinician)) }
            fields.append(JournalField("ALLIANCE_EPISODE", subject.episode))
            fields.append(JournalField("ALLIANCE_SESSION", String(subject.session)))
            fields.append(JournalField("ALLIANCE_DATE", subject.date.description))
            Self.appendDraftFields(draft, to: &fields)
            if risk { fields.append(JournalField("ALLIANCE_RISK", "sud-low-motivation")) }
            fields.append(JournalField("ALLIANCE_RECORD", subject.recordID))
            fields.append(JournalField("ALLIANCE_SOURCE", subject.source))
            return fields
        case let .clinician(draft, clinician, date, source, _):
            var fields: [JournalField] = []
            fields.reserveCapacity(8)
            fields.append(JournalField("ALLIANCE_CLINICIAN", clinician))
            fields.append(JournalField("ALLIANCE_DATE", date.description))
            Self.appendDraftFields(draft, to: &fields)
            fields.append(JournalField("ALLIANCE_SOURCE", source))
            return fields
        }
    }

    private static func appendDraftFields(_ draft: AlertDraft, to fields: inout [JournalField]) {
        if let value = draft.instrument { fields.append(JournalField("ALLIANCE_INSTRUMENT", value)) }
        let text = draft.text
        if let value = text.score { fields.append(JournalField("ALLIANCE_SCORE", value)) }
        if let value = text.threshold { fields.append(JournalField("ALLIANCE_THRESHOLD", value)) }
        if let value = text.baseline { fields.append(JournalField("ALLIANCE_BASELINE", value)) }
        if let value = text.items { fields.append(JournalField("ALLIANCE_ITEMS", value)) }
        if let value = draft.pattern { fields.append(JournalField("ALLIANCE_PATTERN", value.rawValue)) }
    }

    /// Every journal field of the entry, in the order they are written.
    public var journalFields: [JournalField] {
        var all = [
            JournalField("MESSAGE", message),
            JournalField("MESSAGE_ID", rule.messageID),
            JournalField("PRIORITY", String(priority.rawValue)),
            JournalField("SYSLOG_IDENTIFIER", JournalField.syslogIdentifier),
            JournalField("ALLIANCE_RULE", rule.rawValue),
            JournalField("ALLIANCE_ALERT", key),
        ]
        all += fields
        return all
    }

    /// The value of one `ALLIANCE_*` field, if present.
    public func value(of name: String) -> String? {
        journalFields.first { $0.name == name }?.value
    }

    /// Alerts are equal when they would be written alike.
    public static func == (lhs: Alert, rhs: Alert) -> Bool {
        lhs.rule == rhs.rule && lhs.priority == rhs.priority && lhs.key == rhs.key
            && lhs.message == rhs.message && lhs.fields == rhs.fields
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(rule)
        hasher.combine(priority)
        hasher.combine(key)
    }
}

/// The record an alert is about: the fields the alert takes from it.
struct AlertSubject: Sendable {
    var client: String
    var clinician: String?
    var episode: String
    var session: Int
    var date: CalendarDate
    var recordID: String
    var source: String
}

/// One `NAME=value` journal field.
public struct JournalField: Hashable, Sendable, Codable {
    public static let syslogIdentifier = "alliance-watch"

    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}
