import Foundation
import Testing

// SPEC §6.4: SIGTERM ends the daemon within TimeoutStopSec (30 s in the unit) even while
// journald is stalled, and the alerts it could not write stay queued for the next start.

extension DaemonIntegrationTests {
    /// A 5,000-file backlog with well over a thousand alerts; journald is SIGSTOPped as soon as
    /// the daemon starts, so its socket queue fills and the daemon waits to write. SIGTERM
    /// then: the daemon exits 0 in well under 30 s, with alerts still unsent in the outbox.
    /// After SIGCONT and a restart under a fresh journald, every alert key the database holds
    /// is in one of the two journals exactly once, and none is left unsent.
    @Test(.timeLimit(.minutes(6)))
    func sigtermWhileJournaldIsStalledStopsPromptlyAndTheQueuedAlertsArriveOnceAfterRestart() async throws {
        let fixture = try DaemonFixture("stalled-journal")
        defer { fixture.tearDown() }
        try fixture.writeConfig(tables: "[rules.lapse]\nenabled = false")
        let records = SessionLoad(clients: 250, sessionsPerClient: 20).records()
        let names = records.indices.map { "j-" + SessionLoad.padded($0, 5) + ".jsonl" }
        try fixture.createSpoolFolders()
        try SessionLoad.writeFiles(records, names: names, into: fixture.incoming)

        let first = fixture.journal("journal-1")
        let daemon1 = try await fixture.startDaemon("run-1", wrapper: first.wrapper)
        let journald = try fixture.stopJournald(of: daemon1)
        try await fixture.waitUntilStalledOnTheJournal(daemon1)
        let unsentBefore = try fixture.count("SELECT COUNT(*) FROM alerts WHERE sent_at IS NULL")
        print("stalled: \(unsentBefore) alerts queued, \(try fixture.count("SELECT COUNT(*) FROM alerts WHERE sent_at IS NOT NULL")) sent")

        let clock = ContinuousClock()
        let signalled = clock.now
        try daemon1.send(SIGTERM)
        // The daemon's own exit: its wrapper waits for journald (stopped) in its exit trap.
        try await eventually("run-1 exits after SIGTERM", timeout: .seconds(30)) { DaemonProcess.hasExited(daemon1.pid) }
        let elapsed = (clock.now - signalled).components
        let seconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
        print("SIGTERM to exit with journald stopped: \(String(format: "%.2f", seconds)) s")
        #expect(seconds < 30)
        let unsentAtExit = try fixture.count("SELECT COUNT(*) FROM alerts WHERE sent_at IS NULL")
        #expect(unsentAtExit > 0, "no alert was left queued; the stall was not tested")
        #expect(fixture.pendingNames.count > 0, "the whole backlog was ingested before SIGTERM")
        fixture.continueJournald(journald)
        #expect(try await daemon1.exitStatus(within: .seconds(60)) == 0, "\(daemon1.standardError)")
        let sentByFirst = try fixture.count("SELECT COUNT(*) FROM alerts WHERE sent_at IS NOT NULL")

        let second = fixture.journal("journal-2")
        let (daemon2, _) = try await fixture.startReadyDaemon("run-2", journal: second, timeout: .seconds(180))
        #expect(fixture.pendingNames.isEmpty)
        #expect(try await daemon2.stop() == 0)

        #expect(try fixture.count("SELECT COUNT(*) FROM sessions") == records.count)
        #expect(try fixture.count("SELECT COUNT(*) FROM alerts WHERE sent_at IS NULL") == 0)
        let storedKeys = try fixture.query("SELECT key FROM alerts")
        let firstKeys = try first.alerts(scratch: fixture.scratch.path).compactMap { $0["ALLIANCE_ALERT"] }
        let secondKeys = try second.alerts(scratch: fixture.scratch.path).compactMap { $0["ALLIANCE_ALERT"] }
        let written = firstKeys + secondKeys
        print("alerts: \(storedKeys.count) stored, \(firstKeys.count) in the first journal (\(sentByFirst) marked sent), \(secondKeys.count) in the second")
        #expect(firstKeys.count == sentByFirst, "the first journal holds what the first run marked sent")
        #expect(written.count == storedKeys.count, "\(written.count) written for \(storedKeys.count) alerts")
        #expect(Set(written) == Set(storedKeys))
        let twice = Dictionary(grouping: written, by: { $0 }).filter { $0.value.count > 1 }.keys
        #expect(twice.isEmpty, "written twice: \(twice.sorted().prefix(5))")
    }
}

extension DaemonFixture {
    /// Waits until `daemon` has alerts queued that it cannot write: some unsent, and the
    /// number marked sent unchanged for a second (journald stopped, its socket queue full).
    func waitUntilStalledOnTheJournal(_ daemon: DaemonProcess, timeout: Duration = .seconds(120)) async throws {
        var lastSent = -1
        try await eventually("\(daemon.label) waiting for the stalled journald", timeout: timeout, interval: .seconds(1)) {
            guard daemon.isRunning else { throw HarnessError("\(daemon.label) exited: \(daemon.standardError)") }
            // Before the daemon has created its database, nothing is queued yet.
            let sent = (try? count("SELECT COUNT(*) FROM alerts WHERE sent_at IS NOT NULL")) ?? -1
            let unsent = (try? count("SELECT COUNT(*) FROM alerts WHERE sent_at IS NULL")) ?? 0
            defer { lastSent = sent }
            return unsent > 0 && sent == lastSent
        }
    }
}

extension DaemonProcess {
    /// Whether `pid` is gone or a zombie (exited, not yet reaped).
    static func hasExited(_ pid: pid_t) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return true }
        return stat[stat.index(after: close)...].split(separator: " ").first == "Z"
    }
}
