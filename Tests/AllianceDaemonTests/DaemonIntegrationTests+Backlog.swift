import Foundation
import Testing

// SPEC §2 and §8: the backlog at start, READY=1 after it, and restarts with the same state.

extension DaemonIntegrationTests {
    /// 600 files already in incoming/ (more than one ingest batch), named in the reverse of
    /// their modification times: the daemon ingests them oldest first (no late records, rows
    /// in mtime order), says so in STATUS=, and only then sends READY=1, whose STATUS= already
    /// counts all 600; the daemon-started entry follows every alert of the backlog.
    @Test(.timeLimit(.minutes(3)))
    func backlogIsIngestedOldestFirstBeforeReady() async throws {
        let fixture = try DaemonFixture("backlog")
        defer { fixture.tearDown() }
        let journal = fixture.journal("journal")
        let records = SessionLoad(clients: 30, sessionsPerClient: 20).records()
        let names = records.indices.map { "f-" + SessionLoad.padded(records.count - 1 - $0, 4) + ".jsonl" }
        try fixture.createSpoolFolders()
        try SessionLoad.writeFiles(records, names: names, into: fixture.incoming)

        let notify = try NotifySocket(path: fixture.scratch.file("notify"))
        let daemon = try await fixture.startDaemon("run", wrapper: journal.wrapper, notify: notify)
        try await fixture.waitForReady(daemon, notify: notify, timeout: .seconds(120))
        let ready = try #require(notify.firstIndex(of: "READY=1"))
        let readyStatus = NotifySocket.assignments(notify.messages[ready]).first { $0.hasPrefix("STATUS=") } ?? ""
        #expect(readyStatus.contains(": 600 files, 600 records, "), "READY=1 came with \(readyStatus)")
        let backlogStatus = notify.messages.firstIndex { $0.contains("STATUS=Ingesting the backlog") }
        #expect(backlogStatus.map { $0 < ready } == true, "\(notify.messages)")
        #expect(fixture.pendingNames.isEmpty)
        #expect(try await daemon.stop() == 0)

        #expect(try fixture.query("SELECT source FROM sessions ORDER BY rowid") == names)
        #expect(try fixture.count("SELECT COUNT(*) FROM sessions WHERE late != 0") == 0)
        #expect(try journal.events("late-record", scratch: fixture.scratch.path).isEmpty)
        #expect(fixture.names(in: fixture.processed).count == 600)

        let entries = try journal.entries(["SYSLOG_IDENTIFIER=alliance-watch"], scratch: fixture.scratch.path)
        let started = try #require(entries.firstIndex { $0["ALLIANCE_EVENT"] == "daemon-started" })
        let lastAlert = try #require(entries.lastIndex { $0["ALLIANCE_RULE"] != nil }, "the load raised no alert")
        #expect(lastAlert < started, "daemon-started before the backlog's alerts")
        #expect(entries[started]["ALLIANCE_CONFIG"] == fixture.configPath)
    }

    /// A rupture opened before a restart is repaired after it: the series state lives in the
    /// state database (same state.path), and nothing of the first run is sent again.
    @Test(.timeLimit(.minutes(2)))
    func ruptureBeforeARestartIsRepairedAfterIt() async throws {
        let fixture = try DaemonFixture("restart")
        defer { fixture.tearDown() }
        let before = fixture.scratch.file("before.jsonl")
        try writeFile(before, [38, 38, 38, 30].enumerated().map { Self.session("C-601", $0 + 1, srs: Double($1), day: 7 * $0) + "\n" }.joined())
        let after = fixture.scratch.file("after.jsonl")
        try writeFile(after, Self.session("C-601", 5, srs: 38, day: 28) + "\n")

        let first = fixture.journal("journal-1")
        let (daemon1, _) = try await fixture.startReadyDaemon("run-1", journal: first)
        #expect(try fixture.submit([before]).status == 0)
        try await eventually("'before.jsonl' processed") { fixture.names(in: fixture.processed) == ["before.jsonl"] }
        #expect(try await daemon1.stop() == 0)
        let firstKeys = try first.alerts(scratch: fixture.scratch.path).compactMap { $0["ALLIANCE_ALERT"] }
        #expect(firstKeys.contains("rupture/C-601/1/srs/4"), "\(firstKeys)")

        let second = fixture.journal("journal-2")
        let (daemon2, _) = try await fixture.startReadyDaemon("run-2", journal: second)
        #expect(try fixture.submit([after]).status == 0)
        try await eventually("'after.jsonl' processed") { fixture.names(in: fixture.processed).count == 2 }
        try? await eventually("the repair in the journal", timeout: .seconds(20)) {
            try !second.alerts(scratch: fixture.scratch.path).isEmpty
        }
        #expect(try await daemon2.stop() == 0)
        let secondKeys = try second.alerts(scratch: fixture.scratch.path).compactMap { $0["ALLIANCE_ALERT"] }
        #expect(secondKeys == ["repaired/C-601/1/srs/5"])
        #expect(try fixture.count("SELECT COUNT(*) FROM sessions WHERE client = 'C-601'") == 5)
        #expect(try second.events("late-record", scratch: fixture.scratch.path).isEmpty)
    }

    /// kill -9 twice in a 5,000-file backlog, then a restart that finishes it: first while
    /// ingesting (files committed but maybe not moved yet), then while the daemon is blocked
    /// writing alerts to a stalled (SIGSTOPped) journald, so that queued alerts are certainly
    /// unsent at the kill. Afterwards every session is stored once and none is lost, every
    /// alert that replay raises for the same files in the same order is in the journal and
    /// marked sent, and only the few alerts in flight at each kill are written twice (SPEC
    /// §6.4). lapse is off: its clock differs between replay and the daemon.
    @Test(.timeLimit(.minutes(8)))
    func killNineDuringABacklogLosesNothingAndDuplicatesLittle() async throws {
        let fixture = try DaemonFixture("kill9")
        defer { fixture.tearDown() }
        try fixture.writeConfig(tables: "[rules.lapse]\nenabled = false")
        let records = SessionLoad(clients: 250, sessionsPerClient: 20).records()
        try #require(records.count == 5000)
        let names = records.indices.map { "b-" + SessionLoad.padded($0, 5) + ".jsonl" }
        try fixture.createSpoolFolders()
        try SessionLoad.writeFiles(records, names: names, into: fixture.incoming)
        // The reference: replay over the very files, in the order the daemon takes them.
        let reference = try fixture.replay(names.map { fixture.incoming + "/" + $0 })
        let expectedKeys = Set(reference.alerts.compactMap { $0["ALLIANCE_ALERT"] })
        try #require(expectedKeys.count == reference.alerts.count && expectedKeys.count > 1000, "\(expectedKeys.count) alerts")

        // 1. Killed while ingesting.
        let first = fixture.journal("journal-1")
        let notify1 = try NotifySocket(path: fixture.scratch.file("notify-1"))
        let daemon1 = try await fixture.startDaemon("run-1", wrapper: first.wrapper, notify: notify1)
        try await eventually("a quarter of the backlog processed", timeout: .seconds(120)) {
            fixture.names(in: fixture.processed).count >= 1250 || !daemon1.isRunning
        }
        try daemon1.send(SIGKILL)
        #expect(try await daemon1.exitStatus() == 128 + SIGKILL)
        let pendingAtFirstKill = fixture.pendingNames.count
        #expect(pendingAtFirstKill > 0, "the backlog was finished before the kill; nothing was tested")
        #expect(notify1.firstIndex(of: "READY=1") == nil)

        // 2. Killed while blocked writing to a stalled journald.
        let second = fixture.journal("journal-2")
        let daemon2 = try await fixture.startDaemon("run-2", wrapper: second.wrapper)
        let journald = try fixture.stopJournald(of: daemon2)
        try await fixture.waitUntilStalledOnTheJournal(daemon2)
        let unsentAtSecondKill = try fixture.count("SELECT COUNT(*) FROM alerts WHERE sent_at IS NULL")
        #expect(unsentAtSecondKill > 0)
        try daemon2.send(SIGKILL)
        fixture.continueJournald(journald)
        #expect(try await daemon2.exitStatus() == 128 + SIGKILL)
        #expect(fixture.pendingNames.count > 0)

        // 3. A run that finishes the backlog.
        let third = fixture.journal("journal-3")
        let (daemon3, _) = try await fixture.startReadyDaemon("run-3", journal: third, timeout: .seconds(180))
        #expect(fixture.pendingNames.isEmpty)
        #expect(try await daemon3.stop() == 0)

        #expect(try fixture.count("SELECT COUNT(*) FROM sessions") == 5000)
        #expect(try fixture.count("SELECT COUNT(*) FROM (SELECT DISTINCT client, episode, session FROM sessions)") == 5000)
        #expect(try fixture.count("SELECT COUNT(*) FROM alerts WHERE sent_at IS NULL") == 0)
        #expect(Set(try fixture.query("SELECT key FROM alerts")) == expectedKeys)
        #expect(fixture.names(in: fixture.processed).count == 5000)
        #expect(fixture.names(in: fixture.rejected).isEmpty)

        var writtenKeys: [String] = []
        for journal in [first, second, third] {
            writtenKeys += try journal.alerts(scratch: fixture.scratch.path).compactMap { $0["ALLIANCE_ALERT"] }
        }
        let missing = expectedKeys.subtracting(writtenKeys)
        let unexpected = Set(writtenKeys).subtracting(expectedKeys)
        #expect(missing.isEmpty, "\(missing.count) alerts never written, e.g. \(missing.sorted().prefix(5))")
        #expect(unexpected.isEmpty, "\(unexpected.count) alerts replay does not raise, e.g. \(unexpected.sorted().prefix(5))")
        let duplicates = writtenKeys.count - Set(writtenKeys).count
        #expect(duplicates <= 2 * Self.alertsInFlight, "\(duplicates) alert keys written twice after two kills")
    }
}
