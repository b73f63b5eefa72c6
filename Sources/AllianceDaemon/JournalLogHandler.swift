import AllianceCore
import Logging

/// A swift-log backend that writes each log event as one structured journal entry through a
/// `JournalSink`.
///
/// - `MESSAGE` is the log message; `PRIORITY` the syslog level (trace and debug 7, info 6,
///   notice 5, warning 4, error 3, critical 2); `SYSLOG_IDENTIFIER=alliance-watch`;
///   `CODE_FILE`, `CODE_LINE`, `CODE_FUNC` from the call site.
/// - Metadata becomes fields: the key upper-cased, anything outside `A–Z 0–9 _` turned into `_`
///   (`alliance_client` → `ALLIANCE_CLIENT`). A key whose field the handler sets itself, or that
///   would not be a valid field name, gets the prefix `META_`.
/// - An attached error becomes `ERROR=<description>`.
public struct JournalLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    public var logLevel: Logger.Level = .info

    public let label: String
    public let sink: any JournalSink

    public init(label: String, sink: any JournalSink = SystemdJournalSink(), metadataProvider: Logger.MetadataProvider? = nil) {
        self.label = label
        self.sink = sink
        self.metadataProvider = metadataProvider
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Sends the event. A failed send is not reported: there is nowhere left to report it.
    public func log(event: LogEvent) {
        _ = sink.send(fields(for: event))
    }

    /// The journal entry for one event.
    func fields(for event: LogEvent) -> [JournalField] {
        var fields = [
            JournalField("MESSAGE", event.message.description),
            JournalField("PRIORITY", String(Self.priority(of: event.level))),
            JournalField("SYSLOG_IDENTIFIER", JournalField.syslogIdentifier),
            JournalField("CODE_FILE", event.file),
            JournalField("CODE_LINE", String(event.line)),
            JournalField("CODE_FUNC", event.function),
        ]
        if let error = event.error {
            fields.append(JournalField("ERROR", String(describing: error)))
        }
        var merged = metadata
        if let provided = metadataProvider?.get() {
            merged.merge(provided) { _, new in new }
        }
        if let own = event.metadata {
            merged.merge(own) { _, new in new }
        }
        for key in merged.keys.sorted() {
            fields.append(JournalField(Self.fieldName(forMetadataKey: key), merged[key]!.description))
        }
        return fields
    }

    /// The syslog priority for a swift-log level.
    public static func priority(of level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: return 7
        case .info: return 6
        case .notice: return 5
        case .warning: return 4
        case .error: return 3
        case .critical: return 2
        }
    }

    static let ownFields: Set<String> = ["MESSAGE", "PRIORITY", "SYSLOG_IDENTIFIER", "CODE_FILE", "CODE_LINE", "CODE_FUNC", "ERROR"]

    /// The journal field for a metadata key: `alliance_client` → `ALLIANCE_CLIENT`.
    public static func fieldName(forMetadataKey key: String) -> String {
        var name = String(String.UnicodeScalarView(key.unicodeScalars.map { scalar -> Unicode.Scalar in
            switch scalar {
            case "a"..."z": return Unicode.Scalar(scalar.value - 32)!
            case "A"..."Z", "0"..."9", "_": return scalar
            default: return "_"
            }
        }))
        if ownFields.contains(name) || !SystemdJournalSink.isValidFieldName(name) {
            name = "META_" + name
        }
        return String(name.prefix(64))
    }
}
