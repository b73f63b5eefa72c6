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
public struct Alert: Hashable, Sendable {
    public var rule: RuleID
    public var priority: Priority
    /// `ALLIANCE_ALERT`, the stable de-duplication key.
    public var key: String
    /// `MESSAGE`: one line for a person.
    public var message: String
    /// The `ALLIANCE_*` fields other than `ALLIANCE_RULE` and `ALLIANCE_ALERT`, in a stable order.
    public var fields: [JournalField]

    public init(rule: RuleID, priority: Priority, key: String, message: String, fields: [JournalField]) {
        self.rule = rule
        self.priority = priority
        self.key = key
        self.message = message
        self.fields = fields
    }

    /// Every journal field of the entry, in the order they are written.
    public var journalFields: [JournalField] {
        [
            JournalField("MESSAGE", message),
            JournalField("MESSAGE_ID", rule.messageID),
            JournalField("PRIORITY", String(priority.rawValue)),
            JournalField("SYSLOG_IDENTIFIER", JournalField.syslogIdentifier),
            JournalField("ALLIANCE_RULE", rule.rawValue),
            JournalField("ALLIANCE_ALERT", key),
        ] + fields
    }

    /// The value of one `ALLIANCE_*` field, if present.
    public func value(of name: String) -> String? {
        journalFields.first { $0.name == name }?.value
    }
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
