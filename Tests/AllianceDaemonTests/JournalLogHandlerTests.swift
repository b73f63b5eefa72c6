import AllianceCore
import Logging
import Testing
@testable import AllianceDaemon

private struct DiskFull: Error, CustomStringConvertible {
    var description: String { "disk full" }
}

@Test func logEventsBecomeJournalEntriesWithMetadataAsFields() throws {
    let sink = RecordingJournalSink()
    var logger = Logger(label: "alliance-watch") { JournalLogHandler(label: $0, sink: sink) }
    logger.logLevel = .debug
    logger[metadataKey: "alliance_client"] = "C-102"
    logger.notice("Ingested 'a.json'", metadata: ["alliance_records": "4", "source-file": "a.json"])

    let entry = try #require(sink.entries.first)
    let fields = Dictionary(entry.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
    #expect(fields["MESSAGE"] == "Ingested 'a.json'")
    #expect(fields["PRIORITY"] == "5")
    #expect(fields["SYSLOG_IDENTIFIER"] == "alliance-watch")
    #expect(fields["ALLIANCE_CLIENT"] == "C-102")
    #expect(fields["ALLIANCE_RECORDS"] == "4")
    #expect(fields["SOURCE_FILE"] == "a.json")
    #expect(fields["CODE_FILE"]?.hasSuffix("JournalLogHandlerTests.swift") == true)
    #expect(fields["CODE_FUNC"] == "logEventsBecomeJournalEntriesWithMetadataAsFields()")
    #expect(entry.allSatisfy { SystemdJournalSink.isValidFieldName($0.name) })
}

@Test func eventMetadataOverridesHandlerMetadataAndErrorsAreKept() throws {
    let sink = RecordingJournalSink()
    var logger = Logger(label: "t") { JournalLogHandler(label: $0, sink: sink) }
    logger[metadataKey: "alliance_client"] = "C-1"
    logger.error("Failed to write 'x'", error: DiskFull(), metadata: ["alliance_client": "C-2"])
    #expect(sink.values(of: "ALLIANCE_CLIENT") == ["C-2"])
    #expect(sink.values(of: "ERROR") == ["disk full"])
    #expect(sink.values(of: "PRIORITY") == ["3"])
}

@Test func levelsBelowTheLogLevelAreNotSent() {
    let sink = RecordingJournalSink()
    let logger = Logger(label: "t") { JournalLogHandler(label: $0, sink: sink) }
    logger.debug("hidden")
    logger.info("shown")
    #expect(sink.values(of: "MESSAGE") == ["shown"])
}

@Test(arguments: [
    (Logger.Level.trace, 7), (.debug, 7), (.info, 6), (.notice, 5), (.warning, 4), (.error, 3), (.critical, 2),
])
func levelsMapToSyslogPriorities(level: Logger.Level, priority: Int) {
    #expect(JournalLogHandler.priority(of: level) == priority)
}

@Test(arguments: [
    ("alliance_client", "ALLIANCE_CLIENT"), ("source-file", "SOURCE_FILE"), ("message", "META_MESSAGE"),
    ("priority", "META_PRIORITY"), ("_pid", "META__PID"), ("2fa", "META_2FA"), ("message_id", "MESSAGE_ID"),
])
func metadataKeysMapToFieldNames(key: String, field: String) {
    #expect(JournalLogHandler.fieldName(forMetadataKey: key) == field)
}
