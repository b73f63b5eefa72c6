import Foundation
import Testing

// SPEC §7 and §8: SIGHUP reloads the configuration (an invalid file keeps the running one),
// SIGTERM stops the daemon with exit 0.

extension DaemonIntegrationTests {
    /// cutoff 36 (default): an SRS of 38.5 raises nothing. SIGHUP with cutoff 39: a
    /// config-reloaded entry, RELOADING=1 then READY=1, and 38.5 is now below the cutoff.
    /// SIGHUP with an out-of-range cutoff: config-reload-failed naming the key, and cutoff 39
    /// still applies. SIGTERM: STOPPING=1 and exit 0.
    @Test(.timeLimit(.minutes(2)))
    func reloadAppliesAValidFileAndKeepsTheRunningConfigurationOtherwise() async throws {
        let fixture = try DaemonFixture("reload")
        defer { fixture.tearDown() }
        let journal = fixture.journal("journal")
        let (daemon, notify) = try await fixture.startReadyDaemon("run", journal: journal)
        let scratch = fixture.scratch.path

        func ingest(_ client: String) async throws {
            let path = fixture.scratch.file("\(client).jsonl")
            try writeFile(path, Self.session(client, 1, srs: 38.5) + "\n")
            // Not submit: it reads the configuration, which is invalid for a while.
            try fixture.copyThenRename(path)
            try await eventually("'\(client).jsonl' processed") { fixture.names(in: fixture.processed).contains("\(client).jsonl") }
        }

        try await ingest("C-901")
        #expect(try journal.alerts(scratch: scratch).isEmpty)

        try fixture.writeConfig(tables: "[instruments.srs]\ncutoff = 39")
        try daemon.send(SIGHUP)
        try await eventually("config-reloaded") { try !journal.events("config-reloaded", scratch: scratch).isEmpty }
        let reloaded = try journal.events("config-reloaded", scratch: scratch)
        #expect(reloaded.count == 1)
        #expect(reloaded.first?["ALLIANCE_CONFIG"] == fixture.configPath)
        #expect(reloaded.first?["PRIORITY"] == "5" && reloaded.first?["MESSAGE_ID"] == AlertEntryRules.eventMessageIDs["config-reloaded"])
        try await eventually("READY=1 after RELOADING=1") {
            guard let reloading = notify.firstIndex(of: "RELOADING=1") else { return false }
            return notify.messages[(reloading + 1)...].contains { NotifySocket.assignments($0).contains("READY=1") }
        }

        try await ingest("C-902")
        try? await eventually("C-902's alert", timeout: .seconds(20)) { try !journal.alerts(scratch: scratch).isEmpty }
        let afterReload = try journal.alerts(scratch: scratch)
        #expect(afterReload.map { $0["ALLIANCE_ALERT"] } == ["below-cutoff/C-902/1/srs/1"])
        #expect(afterReload.first?["ALLIANCE_THRESHOLD"] == "39.0" && afterReload.first?["ALLIANCE_SCORE"] == "38.5")

        try fixture.writeConfig(tables: "[instruments.srs]\ncutoff = 45")
        try daemon.send(SIGHUP)
        try await eventually("config-reload-failed") { try !journal.events("config-reload-failed", scratch: scratch).isEmpty }
        let failed = try #require(try journal.events("config-reload-failed", scratch: scratch).first)
        #expect(failed["ALLIANCE_REASON"]?.contains("instruments.srs.cutoff") == true, "\(failed["ALLIANCE_REASON"] ?? "no reason")")
        #expect(failed["ALLIANCE_CONFIG"] == fixture.configPath)
        #expect(failed["PRIORITY"] == "3" && failed["MESSAGE_ID"] == AlertEntryRules.eventMessageIDs["config-reload-failed"])
        #expect(daemon.isRunning)

        try await ingest("C-903")
        try? await eventually("C-903's alert", timeout: .seconds(20)) { try journal.alerts(scratch: scratch).count >= 2 }
        let stillInForce = try journal.alerts(scratch: scratch).filter { $0["ALLIANCE_CLIENT"] == "C-903" }
        #expect(stillInForce.map { $0["ALLIANCE_ALERT"] } == ["below-cutoff/C-903/1/srs/1"])
        #expect(stillInForce.first?["ALLIANCE_THRESHOLD"] == "39.0")

        #expect(try await daemon.stop() == 0)
        #expect(notify.firstIndex(of: "STOPPING=1") != nil)
        #expect(try journal.events("config-reloaded", scratch: scratch).count == 1)
        #expect(notify.firstIndex(of: "WATCHDOG=1") == nil, "WATCHDOG=1 without WATCHDOG_USEC")
    }

    /// With `WATCHDOG_USEC` set (WatchdogSec=), the idle daemon keeps sending WATCHDOG=1 at
    /// about half the interval: several arrive while nothing else happens.
    @Test(.timeLimit(.minutes(1)))
    func idleDaemonFeedsTheWatchdog() async throws {
        let fixture = try DaemonFixture("watchdog")
        defer { fixture.tearDown() }
        let notify = try NotifySocket(path: fixture.scratch.file("notify"))
        let daemon = try await fixture.startDaemon(
            "run", wrapper: fixture.journal("journal").wrapper, notify: notify, daemonEnvironment: ["WATCHDOG_USEC": "400000"])
        try await fixture.waitForReady(daemon, notify: notify)
        let ready = try #require(notify.firstIndex(of: "READY=1"))
        try await eventually("four WATCHDOG=1 after READY=1", timeout: .seconds(20)) {
            notify.receive()
            return notify.messages[(ready + 1)...].filter { $0 == "WATCHDOG=1" }.count >= 4
        }
        #expect(try await daemon.stop() == 0)
    }
}

extension DaemonIntegrationTests {
    /// SIGTERM while the start-up backlog is being ingested: the daemon finishes the batch in
    /// hand and exits 0 without ingesting the rest and without READY=1; the rest waits in
    /// incoming/ for the next start, which ingests it.
    @Test(.timeLimit(.minutes(4)))
    func sigtermDuringTheBacklogStopsAfterTheBatchInHand() async throws {
        let fixture = try DaemonFixture("stop-backlog")
        defer { fixture.tearDown() }
        // More than two of the daemon's batches (2,048 files), so that SIGTERM finds work left.
        let records = SessionLoad(clients: 100, sessionsPerClient: 50).records()
        let names = records.indices.map { "s-" + SessionLoad.padded($0, 5) + ".jsonl" }
        try fixture.createSpoolFolders()
        try SessionLoad.writeFiles(records, names: names, into: fixture.incoming)

        let first = fixture.journal("journal-1")
        let notify = try NotifySocket(path: fixture.scratch.file("notify"))
        let daemon = try await fixture.startDaemon("run-1", wrapper: first.wrapper, notify: notify)
        try await eventually("the first batch processed", timeout: .seconds(120)) {
            !fixture.names(in: fixture.processed).isEmpty || !daemon.isRunning
        }
        try daemon.send(SIGTERM)
        #expect(try await daemon.exitStatus(within: .seconds(30)) == 0)
        let processed = fixture.names(in: fixture.processed).count
        #expect(fixture.pendingNames.count > 0, "SIGTERM waited for the whole backlog of \(records.count) files")
        #expect(try fixture.count("SELECT COUNT(*) FROM sessions") == processed)
        #expect(notify.firstIndex(of: "READY=1") == nil)
        #expect(notify.firstIndex(of: "STOPPING=1") != nil)

        let (restarted, _) = try await fixture.startReadyDaemon("run-2", journal: fixture.journal("journal-2"), timeout: .seconds(120))
        #expect(fixture.pendingNames.isEmpty)
        #expect(try await restarted.stop() == 0)
        #expect(try fixture.count("SELECT COUNT(*) FROM sessions") == records.count)
    }
}

extension DaemonIntegrationTests {
    /// SIGHUP while the start-up backlog is being ingested (`systemctl reload` or a log
    /// rotation script at the wrong moment) must not kill the daemon: the reload happens once
    /// the backlog is in.
    @Test(.timeLimit(.minutes(4)))
    func sighupDuringTheBacklogReloadsAfterIt() async throws {
        let fixture = try DaemonFixture("hup-backlog")
        defer { fixture.tearDown() }
        let records = SessionLoad(clients: 100, sessionsPerClient: 20).records()
        let names = records.indices.map { "h-" + SessionLoad.padded($0, 5) + ".jsonl" }
        try fixture.createSpoolFolders()
        try SessionLoad.writeFiles(records, names: names, into: fixture.incoming)

        let journal = fixture.journal("journal")
        let notify = try NotifySocket(path: fixture.scratch.file("notify"))
        let daemon = try await fixture.startDaemon("run", wrapper: journal.wrapper, notify: notify)
        try await eventually("the first batch processed", timeout: .seconds(120)) {
            !fixture.names(in: fixture.processed).isEmpty || !daemon.isRunning
        }
        try daemon.send(SIGHUP)
        #expect(fixture.pendingNames.count > 0, "the backlog was finished before SIGHUP; nothing was tested")
        try await fixture.waitForReady(daemon, notify: notify, timeout: .seconds(120))
        try await eventually("config-reloaded") { try !journal.events("config-reloaded", scratch: fixture.scratch.path).isEmpty }
        #expect(fixture.pendingNames.isEmpty)
        #expect(try await daemon.stop() == 0)
        #expect(try fixture.count("SELECT COUNT(*) FROM sessions") == records.count)
    }
}
