import Testing
@testable import AllianceCore

@Test func recordRejectedHasTheSystemdStyleMessageAndFields() {
    let issue = RecordIssue(line: 7, reason: .outOfRange, field: "srs.approach", message: "11 is out of range 0…10")
    let event = OperationalEvent.recordRejected(source: "x.csv", issue: issue)
    #expect(event.journalFields == [
        JournalField("MESSAGE", "Failed to parse 'x.csv' line 7: srs.approach: 11 is out of range 0…10, skipping record"),
        JournalField("MESSAGE_ID", "11e3ed4acb8a4989a42f7245074188f0"),
        JournalField("PRIORITY", "3"),
        JournalField("SYSLOG_IDENTIFIER", "alliance-watch"),
        JournalField("ALLIANCE_EVENT", "record-rejected"),
        JournalField("ALLIANCE_SOURCE", "x.csv"),
        JournalField("ALLIANCE_LINE", "7"),
        JournalField("ALLIANCE_REASON", "out-of-range"),
        JournalField("ALLIANCE_FIELD", "srs.approach"),
    ])
    #expect(event.fallbackLine == "3 record-rejected Failed to parse 'x.csv' line 7: srs.approach: 11 is out of range 0…10, skipping record"
        + " | ALLIANCE_SOURCE=x.csv ALLIANCE_LINE=7 ALLIANCE_REASON=out-of-range ALLIANCE_FIELD=srs.approach")
}

@Test func recordRejectedWithoutFieldOmitsIt() {
    let issue = RecordIssue(line: 3, reason: .conflict, message: "differs from the stored record for C-1 episode 1 session 2")
    let event = OperationalEvent.recordRejected(source: "b.jsonl", issue: issue)
    #expect(event.message == "Failed to ingest 'b.jsonl' line 3: differs from the stored record for C-1 episode 1 session 2, skipping record")
    #expect(!event.journalFields.contains { $0.name == "ALLIANCE_FIELD" })
}

@Test func fileRejectedNamesTheReason() {
    let event = OperationalEvent.fileRejected(source: "notes.txt", reason: .unsupportedExtension, message: "unsupported extension '.txt'")
    #expect(event.fallbackLine == "3 file-rejected Failed to ingest 'notes.txt': unsupported extension '.txt', rejecting file"
        + " | ALLIANCE_SOURCE=notes.txt ALLIANCE_REASON=unsupported-extension")
    let parse = OperationalEvent.fileRejected(source: "a.json", reason: .invalidJSON, message: "unexpected end of input")
    #expect(parse.message == "Failed to parse 'a.json': unexpected end of input, rejecting file")
}

@Test func configReloadFailedKeepsTheFullReasonInItsField() {
    let reason = "alliance-watch.toml:3: decline.h: must be > 0\nalliance-watch.toml:9: spool.bogus: unknown key"
    let event = OperationalEvent.configReloadFailed(configuration: "/etc/alliance-watch/alliance-watch.toml", reason: reason)
    #expect(event.message == "Failed to reload configuration '/etc/alliance-watch/alliance-watch.toml': "
        + "alliance-watch.toml:3: decline.h: must be > 0; alliance-watch.toml:9: spool.bogus: unknown key, keeping the running configuration")
    #expect(event.journalFields.last == JournalField("ALLIANCE_REASON", reason))
    #expect(event.fallbackLine.hasPrefix("3 config-reload-failed "))
    #expect(event.fallbackLine.hasSuffix(
        #"ALLIANCE_REASON="alliance-watch.toml:3: decline.h: must be > 0\nalliance-watch.toml:9: spool.bogus: unknown key""#))
    #expect(!event.fallbackLine.contains("\n"))
}

@Test func lateRecordCarriesTheRecordFields() {
    let event = OperationalEvent.lateRecord(source: "s.jsonl", line: 2, client: "C-102", episode: "1", session: 3, highestSession: 5)
    #expect(event.fallbackLine == "5 late-record Late record 's.jsonl' line 2: client C-102 episode 1 session 3 is below the stored session 5, "
        + "storing it without evaluating rules | ALLIANCE_CLIENT=C-102 ALLIANCE_EPISODE=1 ALLIANCE_SESSION=3 ALLIANCE_SOURCE=s.jsonl ALLIANCE_LINE=2")
}

@Test(arguments: [
    (OperationalEvent.Kind.recordRejected, "11e3ed4acb8a4989a42f7245074188f0", Priority.err),
    (.fileRejected, "ac1c42b8a58943a082ce1725d8095ba6", .err),
    (.daemonStarted, "29fc38056cf34cd9a8d8bcb205cc1c08", .info),
    (.configReloaded, "aa23ef707b8a47588b511672276b9bba", .notice),
    (.configReloadFailed, "524b8d1523b844198fbac38c08d5b022", .err),
    (.lateRecord, "7350b197da2d4d6eb69ae7196a538bae", .notice),
])
func eventKindsHaveTheSpecMessageIDsAndPriorities(kind: OperationalEvent.Kind, messageID: String, priority: Priority) {
    #expect(kind.messageID == messageID)
    #expect(kind.priority == priority)
}

@Test func daemonStartedAndReloadedEntries() {
    let started = OperationalEvent.daemonStarted(configuration: "/etc/a.toml", spool: "/var/spool/alliance-watch")
    #expect(started.fallbackLine == "6 daemon-started Started, watching '/var/spool/alliance-watch' with configuration '/etc/a.toml'"
        + " | ALLIANCE_CONFIG=/etc/a.toml ALLIANCE_SPOOL=/var/spool/alliance-watch")
    #expect(OperationalEvent.configReloaded(configuration: "/etc/a.toml").fallbackLine
        == "5 config-reloaded Reloaded configuration '/etc/a.toml' | ALLIANCE_CONFIG=/etc/a.toml")
}

// MARK: - The fallback line itself

@Test func fallbackLineOfAnAlertUsesTheRuleAndQuotesValuesWithSpaces() {
    let alert = Alert(
        rule: .rupture, priority: .warning, key: "rupture/C-102/1/srs/5",
        message: "Possible alliance rupture: client C-102 session 5.",
        fields: [
            JournalField("ALLIANCE_CLIENT", "C-102"),
            JournalField("ALLIANCE_ITEMS", "relationship=9.1 goals=8.0"),
            JournalField("ALLIANCE_NOTE", #"says "hi""#),
            JournalField("ALLIANCE_EMPTY", ""),
        ])
    #expect(JournalFallbackLine.format(alert.journalFields)
        == #"4 rupture Possible alliance rupture: client C-102 session 5. | ALLIANCE_ALERT=rupture/C-102/1/srs/5 ALLIANCE_CLIENT=C-102 "#
        + #"ALLIANCE_ITEMS="relationship=9.1 goals=8.0" ALLIANCE_NOTE="says \"hi\"" ALLIANCE_EMPTY="""#)
}

@Test func fallbackLineEscapesControlCharactersAndBackslashes() {
    let fields = [
        JournalField("PRIORITY", "6"),
        JournalField("MESSAGE", "two\nlines\tand a \\ and \u{1B}[0m"),
        JournalField("ALLIANCE_DETAIL", "a\r\nb"),
    ]
    #expect(JournalFallbackLine.format(fields) == #"6 - two\nlines\tand a \\ and \x1b[0m | ALLIANCE_DETAIL=a\r\nb"#)
}

@Test func fallbackLineWithoutExtraFieldsHasNoSeparator() {
    let fields = [JournalField("MESSAGE", "hello"), JournalField("PRIORITY", "5"), JournalField("SYSLOG_IDENTIFIER", "x")]
    #expect(JournalFallbackLine.format(fields) == "5 - hello")
    #expect(JournalFallbackLine.format([JournalField("MESSAGE", "m")]) == "- - m")
}
