/// An operational journal entry (SPEC §6.3): what the daemon did with a file, a record or its
/// configuration, as opposed to an alert about a client.
///
/// Each entry carries `ALLIANCE_EVENT=<name>` so that it can be filtered
/// (`journalctl ALLIANCE_EVENT=record-rejected`) and shown by name in the fallback line.
public enum OperationalEvent: Hashable, Sendable {
    /// One record of a file was rejected; the rest of the file is ingested.
    case recordRejected(source: String, issue: RecordIssue)
    /// A whole file was rejected (bad extension, too large, not a regular file, unparseable).
    case fileRejected(source: String, reason: RejectionReason, message: String)
    /// The daemon has ingested its backlog and is watching the spool.
    case daemonStarted(configuration: String, spool: String)
    /// A reload (SIGHUP) applied a new configuration.
    case configReloaded(configuration: String)
    /// A reload failed; the running configuration stays. `reason` may span several lines.
    case configReloadFailed(configuration: String, reason: String)
    /// A record whose session number is below the highest stored for its client and episode:
    /// stored, but no rule is evaluated for it.
    case lateRecord(source: String, line: Int, client: String, episode: String, session: Int, highestSession: Int)
    /// The day's digest for one clinician (nil: clients whose latest record names none): how
    /// many clients need attention and their ids, most urgent first (SPEC §6.5). `message` is
    /// the one-line summary the daemon composed from the attention list.
    case digest(clinician: String?, clients: [String], message: String)
    /// A fault of the state database stopped ingestion (SPEC §6.4): `reason` is `disk-full`,
    /// `database-busy` or `database-readonly`, `explanation` says it for a person, `waiting`
    /// counts the files left in `incoming/`.
    case ingestStalled(reason: String, explanation: String, state: String, waiting: Int)
    /// A retry committed after a stall: ingestion goes on where it stopped.
    case ingestResumed(reason: String, waiting: Int)

    /// The field that names the event on every operational entry.
    public static let eventFieldName = "ALLIANCE_EVENT"

    /// The kinds of event, with their stable names, MESSAGE_IDs and priorities.
    public enum Kind: String, Sendable, CaseIterable, Hashable {
        case recordRejected = "record-rejected"
        case fileRejected = "file-rejected"
        case daemonStarted = "daemon-started"
        case configReloaded = "config-reloaded"
        case configReloadFailed = "config-reload-failed"
        case lateRecord = "late-record"
        case digest = "digest"
        case ingestStalled = "ingest-stalled"
        case ingestResumed = "ingest-resumed"

        /// The journal MESSAGE_ID (SPEC §6.3).
        public var messageID: String {
            switch self {
            case .recordRejected: return "11e3ed4acb8a4989a42f7245074188f0"
            case .fileRejected: return "ac1c42b8a58943a082ce1725d8095ba6"
            case .daemonStarted: return "29fc38056cf34cd9a8d8bcb205cc1c08"
            case .configReloaded: return "aa23ef707b8a47588b511672276b9bba"
            case .configReloadFailed: return "524b8d1523b844198fbac38c08d5b022"
            case .lateRecord: return "7350b197da2d4d6eb69ae7196a538bae"
            case .digest: return "aca2fb3e2b9645c98e1edb218583f52f"
            case .ingestStalled: return "050b26cf5e7c40f69ddae92d35992a5a"
            case .ingestResumed: return "39eda80e95564e4bad54ab37437ec764"
            }
        }

        public var priority: Priority {
            switch self {
            case .recordRejected, .fileRejected, .configReloadFailed, .ingestStalled: return .err
            case .daemonStarted: return .info
            case .configReloaded, .lateRecord, .digest, .ingestResumed: return .notice
            }
        }
    }

    public var kind: Kind {
        switch self {
        case .recordRejected: return .recordRejected
        case .fileRejected: return .fileRejected
        case .daemonStarted: return .daemonStarted
        case .configReloaded: return .configReloaded
        case .configReloadFailed: return .configReloadFailed
        case .lateRecord: return .lateRecord
        case .digest: return .digest
        case .ingestStalled: return .ingestStalled
        case .ingestResumed: return .ingestResumed
        }
    }

    /// `MESSAGE`: one line in the systemd style, user strings in single quotes, saying what
    /// happens next (`Failed to parse 'x.csv' line 7: srs.approach: 11 is out of range 0…10, skipping record`).
    public var message: String {
        switch self {
        case let .recordRejected(source, issue):
            let verb = issue.reason == .conflict ? "ingest" : "parse"
            let field = issue.field.map { "\($0): " } ?? ""
            return "Failed to \(verb) '\(source)' line \(issue.line): \(field)\(oneLine(issue.message)), skipping record"
        case let .fileRejected(source, reason, message):
            let verb = [.invalidJSON, .badCSVHeader, .badCSVRow].contains(reason) ? "parse" : "ingest"
            return "Failed to \(verb) '\(source)': \(oneLine(message)), rejecting file"
        case let .daemonStarted(configuration, spool):
            return "Started, watching '\(spool)' with configuration '\(configuration)'"
        case let .configReloaded(configuration):
            return "Reloaded configuration '\(configuration)'"
        case let .configReloadFailed(configuration, reason):
            return "Failed to reload configuration '\(configuration)': \(oneLine(reason)), keeping the running configuration"
        case let .lateRecord(source, line, client, episode, session, highestSession):
            return "Late record '\(source)' line \(line): client \(client) episode \(episode) session \(session) "
                + "is below the stored session \(highestSession), storing it without evaluating rules"
        case let .digest(_, _, message):
            return oneLine(message)
        case let .ingestStalled(reason, explanation, _, waiting):
            return "Ingestion stalled: \(explanation) (\(reason)); \(files(waiting)) \(waiting == 1 ? "waits" : "wait") in incoming/, "
                + "nothing is lost; retrying after 1 s, then with a doubling delay up to 60 s"
        case let .ingestResumed(reason, waiting):
            return "Ingestion resumed after \(reason); \(files(waiting)) waiting in incoming/ are being ingested"
        }
    }

    /// The event's own fields, after the common ones.
    public var extraFields: [JournalField] {
        switch self {
        case let .recordRejected(source, issue):
            var fields = [
                JournalField("ALLIANCE_SOURCE", source),
                JournalField("ALLIANCE_LINE", String(issue.line)),
                JournalField("ALLIANCE_REASON", issue.reason.rawValue),
            ]
            if let field = issue.field { fields.append(JournalField("ALLIANCE_FIELD", field)) }
            return fields
        case let .fileRejected(source, reason, _):
            return [JournalField("ALLIANCE_SOURCE", source), JournalField("ALLIANCE_REASON", reason.rawValue)]
        case let .daemonStarted(configuration, spool):
            return [JournalField("ALLIANCE_CONFIG", configuration), JournalField("ALLIANCE_SPOOL", spool)]
        case let .configReloaded(configuration):
            return [JournalField("ALLIANCE_CONFIG", configuration)]
        case let .configReloadFailed(configuration, reason):
            return [JournalField("ALLIANCE_CONFIG", configuration), JournalField("ALLIANCE_REASON", reason)]
        case let .lateRecord(source, line, client, episode, session, _):
            return [
                JournalField("ALLIANCE_CLIENT", client),
                JournalField("ALLIANCE_EPISODE", episode),
                JournalField("ALLIANCE_SESSION", String(session)),
                JournalField("ALLIANCE_SOURCE", source),
                JournalField("ALLIANCE_LINE", String(line)),
            ]
        case let .digest(clinician, clients, _):
            var fields: [JournalField] = []
            if let clinician { fields.append(JournalField("ALLIANCE_CLINICIAN", clinician)) }
            fields.append(JournalField("ALLIANCE_COUNT", String(clients.count)))
            fields.append(JournalField("ALLIANCE_CLIENTS", clients.joined(separator: " ")))
            return fields
        case let .ingestStalled(reason, _, state, waiting):
            return [
                JournalField("ALLIANCE_REASON", reason), JournalField("ALLIANCE_STATE", state),
                JournalField("ALLIANCE_WAITING", String(waiting)),
            ]
        case let .ingestResumed(reason, waiting):
            return [JournalField("ALLIANCE_REASON", reason), JournalField("ALLIANCE_WAITING", String(waiting))]
        }
    }

    /// Every journal field of the entry, in the order they are written.
    public var journalFields: [JournalField] {
        [
            JournalField("MESSAGE", message),
            JournalField("MESSAGE_ID", kind.messageID),
            JournalField("PRIORITY", String(kind.priority.rawValue)),
            JournalField("SYSLOG_IDENTIFIER", JournalField.syslogIdentifier),
            JournalField(Self.eventFieldName, kind.rawValue),
        ] + extraFields
    }

    /// The SPEC §6.3 standard-error line for this event.
    public var fallbackLine: String { JournalFallbackLine.format(journalFields) }

    private func files(_ count: Int) -> String { count == 1 ? "1 file" : "\(count) files" }

    /// Newlines folded to `; ` so that MESSAGE stays one line; the full text stays in its field.
    private func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).joined(separator: "; ")
    }
}
