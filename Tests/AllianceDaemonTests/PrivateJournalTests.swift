import AllianceCore
import Foundation
import Logging
import Testing
@testable import AllianceDaemon

// These tests run the test binary again, as a child, inside a private journald (or a mount
// namespace without one), because sd_journal_sendv always talks to the fixed path
// /run/systemd/journal/socket: only a private mount namespace gives it a journald of its own.
// The child is the `ChildMode` test of the same name; the parent reads the journal back with
// journalctl -D … -o json and compares every field.

/// The entries the child sends, known to both sides.
enum JournalProbe {
    static let rejection = OperationalEvent.recordRejected(
        source: "x.csv",
        issue: RecordIssue(line: 7, reason: .outOfRange, field: "srs.approach", message: "11 is out of range 0…10"))

    static let multiLine: [JournalField] = Alert(
        rule: .rupture, priority: .warning, key: "rupture/C-102/1/srs/5",
        message: "Possible alliance rupture: client C-102 (clinician T-07) session 5: SRS 31.0, down 7.0 from 38.0.",
        fields: [
            JournalField("ALLIANCE_CLIENT", "C-102"),
            JournalField("ALLIANCE_ITEMS", "relationship=9.1 goals=8.0 approach=5.5 overall=7.0"),
            JournalField("ALLIANCE_DETAIL", "first line\nsecond line\n\tthird=with equals\n"),
            JournalField("ALLIANCE_UNICODE", "0…10 ✓ Zürich"),
        ]).journalFields
}

@Test(.timeLimit(.minutes(1)))
func privateJournalScriptIsolatesAJournaldAndReturnsTheCommandStatus() throws {
    try #require(isRoot, "needs root for unshare --mount")
    let scratch = try TemporaryDirectory()
    let journal = PrivateJournal(directory: scratch.file("pj"))
    let sent = try journal.run(
        ["/bin/sh", "-c", #"printf 'MESSAGE=harness probe\nSYSLOG_IDENTIFIER=harness-test\nPROBE_FIELD=42\n' | logger --journald && exit 7"#],
        scratch: scratch.path)
    #expect(sent.status == 7, "the command's exit status passes through: \(sent.standardError)")

    let entries = try journal.entries(["SYSLOG_IDENTIFIER=harness-test"], scratch: scratch.path)
    #expect(entries.count == 1)
    #expect(entries.first?["MESSAGE"] == "harness probe")
    #expect(entries.first?["PROBE_FIELD"] == "42")
    #expect(entries.first?["_TRANSPORT"] == "journal")
}

@Test(.timeLimit(.minutes(1)))
func systemdJournalSinkDeliversEveryFieldToARealJournald() throws {
    try #require(isRoot, "needs root for unshare --mount")
    let scratch = try TemporaryDirectory()
    let journal = PrivateJournal(directory: scratch.file("pj"))
    let report = try ChildMode.journal.run(testName: "childSendsThroughSystemdJournalSink", wrapper: journal.wrapper, scratch: scratch.path)
    #expect(report == ["sentToJournal", "sentToJournal"])

    let entries = try journal.entries(["SYSLOG_IDENTIFIER=alliance-watch"], scratch: scratch.path)
    try #require(entries.count == 3, "\(entries)")
    for (entry, fields) in zip(entries, [JournalProbe.rejection.journalFields, JournalProbe.multiLine]) {
        for field in fields {
            #expect(entry[field.name] == field.value, "\(field.name)")
        }
        #expect(entry["_TRANSPORT"] == "journal")
    }
    let logged = entries[2]
    #expect(logged["MESSAGE"] == "Spool scan finished")
    #expect(logged["PRIORITY"] == "4")
    #expect(logged["ALLIANCE_CLIENT"] == "C-9")
    #expect(logged["ALLIANCE_FILES"] == "3")
    #expect(logged["CODE_FILE"]?.hasSuffix("PrivateJournalTests.swift") == true)
    #expect(logged["CODE_FUNC"] == "childSendsThroughSystemdJournalSink()")
}

@Test(.enabled(if: ChildMode.current == .journal))
func childSendsThroughSystemdJournalSink() throws {
    let sink = SystemdJournalSink()
    let results = [sink.send(JournalProbe.rejection), sink.send(JournalProbe.multiLine)]
    var logger = Logger(label: "probe") { JournalLogHandler(label: $0, sink: sink) }
    logger[metadataKey: "alliance_client"] = "C-9"
    logger.warning("Spool scan finished", metadata: ["alliance_files": "3"])
    try ChildMode.writeReport(results.map { String(describing: $0) })
}

@Test(.timeLimit(.minutes(1)))
func withoutJournaldTheSinkFallsBackAndAStaleSocketFails() throws {
    try #require(isRoot, "needs root for unshare --mount")
    let scratch = try TemporaryDirectory()
    // A namespace whose /run/systemd/journal is an empty tmpfs: no journald at all.
    let noJournald = [
        "/usr/bin/unshare", "--mount", "--propagation", "private", "--", "/bin/bash", "-c",
        #"d=/run/systemd; [ -d $d ] || d=/run; mount -t tmpfs tmpfs $d && mkdir -p /run/systemd/journal && exec "$@""#, "bash",
    ]
    let report = try ChildMode.noJournald.run(testName: "childSendsWithoutJournald", wrapper: noJournald, scratch: scratch.path)
    #expect(report == [
        "sendv=0",
        "result=wroteToStandardError",
        "line=" + JournalProbe.rejection.fallbackLine,
        "stale=failed(errno: \(ECONNREFUSED))",
    ])
}

@Test(.enabled(if: ChildMode.current == .noJournald))
func childSendsWithoutJournald() throws {
    var report: [String] = []
    // The fact the sink guards against: libsystemd reports success and drops the entry.
    report.append("sendv=\(SystemdJournalSink.sendv(JournalProbe.rejection.journalFields))")

    var pipeDescriptors: [Int32] = [-1, -1]
    try #require(pipe(&pipeDescriptors) == 0)
    let sink = SystemdJournalSink(fallbackDescriptor: pipeDescriptors[1])
    report.append("result=\(sink.send(JournalProbe.rejection))")
    close(pipeDescriptors[1])
    let line = FileHandle(fileDescriptor: pipeDescriptors[0], closeOnDealloc: true).readDataToEndOfFile()
    report.append("line=" + String(decoding: line, as: UTF8.self).trimmingCharacters(in: .newlines))

    // A socket file with nobody behind it, as a dead journald leaves.
    let socketDescriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    withUnsafeMutableBytes(of: &address.sun_path) { raw in
        let path = Array(SystemdJournalSink.defaultSocketPath.utf8)
        raw.copyBytes(from: path)
    }
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socketDescriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
    }
    try #require(bound == 0)
    close(socketDescriptor)
    report.append("stale=\(sink.send(JournalProbe.rejection))")
    try ChildMode.writeReport(report)
}
