import Foundation
import Testing

// SPEC §6.3: without a journal socket every entry goes to standard error as one line, and a
// journald that appears later is used from then on (the sink checks for the socket per entry).

extension DaemonIntegrationTests {
    /// The standard-error lines of `text` that are §6.3 fallback lines of alerts.
    static func fallbackAlerts(_ text: String) -> [FallbackLine] {
        text.split(separator: "\n").compactMap(FallbackLine.init).filter { AlertEntryRules.messageIDs[$0.name] != nil }
    }

    /// Checks that `lines` are exactly replay's alerts, field for field.
    static func expectLines(_ lines: [FallbackLine], equal replayed: [[String: String]], sourceLocation: SourceLocation = #_sourceLocation) {
        let byKey = Dictionary(lines.map { ($0.fields["ALLIANCE_ALERT"] ?? "?", $0) }, uniquingKeysWith: { first, _ in first })
        #expect(lines.count == replayed.count, "\(lines.count) lines for \(replayed.count) alerts", sourceLocation: sourceLocation)
        for alert in replayed {
            let key = alert["ALLIANCE_ALERT"] ?? "?"
            guard let line = byKey[key] else {
                Issue.record("no fallback line for \(key)", sourceLocation: sourceLocation)
                continue
            }
            #expect(line.priority == alert["PRIORITY"] && line.name == alert["ALLIANCE_RULE"] && line.message == alert["MESSAGE"], sourceLocation: sourceLocation)
            let rest = alert.filter { !["MESSAGE", "MESSAGE_ID", "PRIORITY", "SYSLOG_IDENTIFIER", "ALLIANCE_RULE"].contains($0.key) }
            #expect(line.fields == rest, "\(key)", sourceLocation: sourceLocation)
        }
    }

    /// No journald at all (an empty tmpfs over /run/systemd, no private-journal.sh): the
    /// daemon starts, and every alert and event is one line on standard error in the fallback
    /// format; the alerts count as delivered.
    @Test(.timeLimit(.minutes(2)))
    func withoutJournaldEntriesGoToStandardError() async throws {
        let fixture = try DaemonFixture("no-journald")
        defer { fixture.tearDown() }
        let input = try ScenarioCatalog.input("p05_repaired_v")
        let replayed = try fixture.replay([input]).alerts
        let notify = try NotifySocket(path: fixture.scratch.file("notify"))
        let daemon = try await fixture.startDaemon("run", wrapper: DaemonFixture.noJournaldWrapper, notify: notify)
        try await fixture.waitForReady(daemon, notify: notify)
        #expect(try fixture.submit([input]).status == 0)
        try await eventually("'p05_repaired_v.jsonl' processed") { fixture.names(in: fixture.processed).count == 1 }
        try? await eventually("the alerts on standard error", timeout: .seconds(20)) {
            Self.fallbackAlerts(daemon.standardError).count >= replayed.count
        }
        #expect(try await daemon.stop() == 0)

        let standardError = daemon.standardError
        Self.expectLines(Self.fallbackAlerts(standardError), equal: replayed)
        let started = standardError.split(separator: "\n").compactMap(FallbackLine.init).filter { $0.name == "daemon-started" }
        #expect(started.count == 1 && started.first?.priority == "6" && started.first?.fields["ALLIANCE_CONFIG"] == fixture.configPath)
        #expect(try fixture.count("SELECT COUNT(*) FROM alerts WHERE sent_at IS NULL") == 0)
        #expect(try fixture.count("SELECT COUNT(*) FROM alerts") == replayed.count)
    }

    /// The daemon starts in a namespace whose journald is not up yet
    /// (`PRIVATE_JOURNAL_START_WHEN`): the first file's alerts go to standard error; once
    /// journald is started, the next file's alerts go to the journal, and only there.
    @Test(.timeLimit(.minutes(2)))
    func journaldThatAppearsLaterIsUsed() async throws {
        let fixture = try DaemonFixture("late-journald")
        defer { fixture.tearDown() }
        let early = try ScenarioCatalog.input("p02_dip")
        let late = try ScenarioCatalog.input("p04_rupture_z_ceiling")
        let earlyAlerts = try fixture.replay([early]).alerts
        let lateAlerts = try fixture.replay([late]).alerts
        let journal = fixture.journal("journal")
        let trigger = fixture.scratch.file("start-journald")
        let notify = try NotifySocket(path: fixture.scratch.file("notify"))
        let daemon = try await fixture.startDaemon(
            "run", wrapper: journal.wrapper, wrapperEnvironment: ["PRIVATE_JOURNAL_START_WHEN": trigger], notify: notify)
        try await fixture.waitForReady(daemon, notify: notify)

        #expect(try fixture.submit([early]).status == 0)
        try await eventually("the first file's alerts on standard error") {
            Self.fallbackAlerts(daemon.standardError).count >= earlyAlerts.count
        }

        try writeFile(trigger, "")
        let socket = journal.directory + "/sock/socket"
        try await eventually("journald's socket") {
            var status = stat()
            return stat(socket, &status) == 0 && (status.st_mode & S_IFMT) == S_IFSOCK
        }
        #expect(try fixture.submit([late]).status == 0)
        try await eventually("the second file processed") { fixture.names(in: fixture.processed).count == 2 }
        try? await eventually("the second file's alerts in the journal", timeout: .seconds(20)) {
            try journal.alerts(scratch: fixture.scratch.path).count >= lateAlerts.count
        }
        #expect(try await daemon.stop() == 0)

        Self.expectLines(Self.fallbackAlerts(daemon.standardError), equal: earlyAlerts)
        let journaled = try journal.alerts(scratch: fixture.scratch.path)
        #expect(journaled.compactMap { $0["ALLIANCE_ALERT"] }.sorted() == lateAlerts.compactMap { $0["ALLIANCE_ALERT"] }.sorted())
        for alert in journaled {
            #expect(AlertEntryRules.problems(alert, source: "p04_rupture_z_ceiling.jsonl", today: "").isEmpty)
        }
    }
}
