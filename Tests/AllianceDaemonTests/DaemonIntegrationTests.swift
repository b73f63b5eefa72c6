import AllianceCore
import Foundation
import Testing

// The real `alliance-watch run`, built next to this test bundle, on temporary spools, each run
// under its own journald (scripts/private-journal.sh) whose entries are read back with
// `journalctl -D … -o json`. Tests wait by polling for what they can observe (files in the
// spool, journal entries, sd_notify messages), never for a fixed time. Needs root (mount
// namespaces). Serialized: each test runs a daemon and a journald on a shared 2-core machine.

@Suite(.serialized) struct DaemonIntegrationTests {
    // MARK: - 1. Every scenario through the spool

    /// Each public scenario goes into the spool of a running daemon (with `submit`, or by
    /// copy-then-rename when submit rightly refuses a file with invalid records). The journal
    /// must then hold exactly the expected alerts, each a complete SPEC §6.1 entry whose fields
    /// equal `replay --json`'s for the same file, plus the rejections and late-record notices
    /// replay reports, and the state database every record replay stores.
    ///
    /// The lapse scenarios (x01, x02) depend on the clock: replay's is the latest record date,
    /// the daemon's is today, checked at start. Their dates are moved to end today and the file
    /// is in `incoming/` before the daemon starts.
    @Test(.timeLimit(.minutes(2)), arguments: ScenarioCatalog.names)
    func scenarioThroughTheSpool(_ name: String) async throws {
        let fixture = try DaemonFixture(name)
        defer { fixture.tearDown() }
        let journal = fixture.journal("journal")
        let today = ScenarioCatalog.today
        var input = try ScenarioCatalog.input(name)
        let fileName = URL(fileURLWithPath: input).lastPathComponent
        let clockBound = try ScenarioCatalog.dependsOnTheClock(name)
        if clockBound {
            let moved = fixture.scratch.file("moved")
            try FileManager.default.createDirectory(atPath: moved, withIntermediateDirectories: true)
            try writeFile(moved + "/" + fileName, try ScenarioCatalog.movingDates(of: try readFile(input), toEndOn: today))
            input = moved + "/" + fileName
            try fixture.createSpoolFolders()
            try fixture.copyThenRename(input)
        }
        let reference = try fixture.replay([input])
        let referenceEvents = reference.standardError.split(separator: "\n").compactMap(FallbackLine.init)
        let rejectedLines = referenceEvents.filter { $0.name == "record-rejected" }
        // A conflict with a stored record shows only at ingestion; submit sees a valid file.
        let invalidLines = rejectedLines.filter { $0.fields["ALLIANCE_REASON"] != "conflict" }

        let (daemon, _) = try await fixture.startReadyDaemon("run", journal: journal)
        if !clockBound {
            let submitted = try fixture.submit([input])
            if invalidLines.isEmpty {
                #expect(submitted.status == 0, "\(submitted.standardError)")
                #expect(submitted.standardOutput == "submitted '\(fileName)' as '\(fileName)'\n")
            } else {
                // submit validates first and drops nothing; a writer can still rename it in.
                #expect(submitted.status == 1)
                #expect(fixture.pendingNames.isEmpty && fixture.names(in: fixture.tmp).isEmpty)
                try fixture.copyThenRename(input)
            }
        }
        let expected = try ScenarioCatalog.expectedAlerts(name)
        try await eventually("'\(fileName)' in processed/") {
            fixture.names(in: fixture.processed) == [fileName] && fixture.pendingNames.isEmpty
        }
        try? await eventually("\(expected.count) alerts in the journal", timeout: .seconds(20)) {
            try journal.alerts(scratch: fixture.scratch.path).count >= expected.count
        }
        #expect(try await daemon.stop() == 0, "\(daemon.standardError)")

        // The wrapper synced and stopped journald on the way out: the journal is complete.
        let alerts = try journal.alerts(scratch: fixture.scratch.path)
        let actualKeys = alerts.map(ScenarioCatalog.key)
        let expectedKeys = expected.map(ScenarioCatalog.key)
        #expect(expectedKeys.removingOneOfEach(actualKeys).isEmpty, "missing: \(expectedKeys.removingOneOfEach(actualKeys))")
        #expect(actualKeys.removingOneOfEach(expectedKeys).isEmpty, "unexpected: \(actualKeys.removingOneOfEach(expectedKeys))")
        #expect(Set(alerts.compactMap { $0["ALLIANCE_ALERT"] }).count == alerts.count, "an ALLIANCE_ALERT key was sent twice")

        let referenceByKey = Dictionary(reference.alerts.map { ($0["ALLIANCE_ALERT"] ?? "", $0) }, uniquingKeysWith: { first, _ in first })
        for alert in alerts {
            let key = alert["ALLIANCE_ALERT"] ?? "?"
            let problems = AlertEntryRules.problems(alert, source: fileName, today: today.description)
            #expect(problems.isEmpty, "\(key): \(problems)")
            guard let replayed = referenceByKey[key] else {
                Issue.record("\(key): replay raised no such alert")
                continue
            }
            // replay's lapse clock is the record dates, so its lapse date and message differ.
            let clockFields: Set<String> = alert["ALLIANCE_RULE"] == "lapse" ? ["ALLIANCE_DATE", "MESSAGE"] : []
            let written = alert.filter { Self.isEntryField($0.key) && !clockFields.contains($0.key) }
            let replayedFields = replayed.filter { !clockFields.contains($0.key) }
            #expect(written == replayedFields, "\(key): journal and replay differ")
        }

        let rejections = try journal.events("record-rejected", scratch: fixture.scratch.path)
        #expect(rejections.count == rejectedLines.count)
        for (entry, line) in zip(rejections, rejectedLines) {
            #expect(entry["ALLIANCE_SOURCE"] == fileName)
            #expect(entry["ALLIANCE_LINE"] == line.fields["ALLIANCE_LINE"])
            #expect(entry["ALLIANCE_REASON"] == line.fields["ALLIANCE_REASON"])
            #expect(entry["ALLIANCE_FIELD"] == line.fields["ALLIANCE_FIELD"])
            #expect(entry["MESSAGE_ID"] == AlertEntryRules.eventMessageIDs["record-rejected"] && entry["PRIORITY"] == "3")
        }
        let late = try journal.events("late-record", scratch: fixture.scratch.path)
        #expect(late.map { $0["ALLIANCE_LINE"] ?? "" } == referenceEvents.filter { $0.name == "late-record" }.map { $0.fields["ALLIANCE_LINE"] ?? "" })
        #expect(late.allSatisfy { $0["ALLIANCE_CLIENT"] != nil && $0["ALLIANCE_SESSION"] != nil && $0["ALLIANCE_SOURCE"] == fileName })
        #expect(try journal.events("file-rejected", scratch: fixture.scratch.path).isEmpty)
        let started = try journal.events("daemon-started", scratch: fixture.scratch.path)
        #expect(started.count == 1 && started.first?["ALLIANCE_CONFIG"] == fixture.configPath)

        let stored = reference.standardError.firstMatch(of: /(\d+) records stored/).map { Int($0.1)! }
        #expect(try fixture.count("SELECT COUNT(*) FROM sessions") == (try Self.storedSessions(in: input, replayStored: stored)))
        #expect(fixture.names(in: fixture.rejected).count == (rejectedLines.isEmpty ? 0 : 2))
    }

    /// How many alert keys may reach the journal twice after a kill -9: those written but not
    /// yet marked sent when the process died (SPEC §6.4 "at most few in flight").
    static let alertsInFlight = 16

    /// The fields the daemon writes itself (journald adds `_PID`, `__CURSOR`, … to each entry).
    static func isEntryField(_ name: String) -> Bool {
        name.hasPrefix("ALLIANCE_") || ["MESSAGE", "MESSAGE_ID", "PRIORITY", "SYSLOG_IDENTIFIER"].contains(name)
    }

    /// Session records replay stored: its summary counts profile records too, which have no
    /// row in `sessions` (they are only in JSONL scenarios, one object per line).
    static func storedSessions(in path: String, replayStored: Int?) throws -> Int {
        guard path.hasSuffix(".jsonl") else { return replayStored ?? -1 }
        let profiles = try readFile(path).split(separator: "\n").filter { line in
            let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            return object?["type"] as? String == "profile"
        }.count
        return (replayStored ?? -1) - profiles
    }
}
