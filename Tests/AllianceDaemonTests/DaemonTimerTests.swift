import AllianceCore
import Foundation
import Logging
import ServiceLifecycle
import Testing

@testable import AllianceDaemon

/// The daemon's hourly check (lapse, digest) at its real interval, on a clock the test moves:
/// the real spool, inotify and SQLite in process, journal entries recorded.
@Suite(.serialized) struct DaemonTimerTests {
    /// Monday 2026-03-02; the daemon starts at 06:30 local time.
    static let day = CalendarDate(year: 2026, month: 3, day: 2)!

    /// One JSON line per session, a week apart, ending `lastDay` days after `day`.
    static func records(_ client: String, _ totals: [Double], lastDay: Int, clinician: String = "T-07") -> String {
        totals.enumerated().map { index, total in
            let date = day.adding(days: lastDay - 7 * (totals.count - 1 - index))
            let item = total / 4
            return #"{"schema": 1, "client": "\#(client)", "clinician": "\#(clinician)", "session": \#(index + 1), "#
                + #""date": "\#(date)", "srs": {"relationship": \#(item), "goals": \#(item), "approach": \#(item), "overall": \#(item)}}"#
        }.joined(separator: "\n") + "\n"
    }

    /// Runs a DaemonService until `body` returns, then stops it as SIGTERM would.
    static func running(
        _ scratch: TemporaryDirectory, clock: ManualClock, journal: RecordingJournalSink,
        _ body: @Sendable () async throws -> Void
    ) async throws {
        var settings = Settings()
        settings.spool.directory = scratch.file("spool")
        settings.state.path = scratch.file("state/state.sqlite")
        let notifier = RecordingNotifier()
        let logger = Logger(label: "timer-test")
        let service = DaemonService(
            configPath: nil, settings: settings, journal: journal, notifier: notifier, logger: logger, clock: clock
        )
        let group = ServiceGroup(configuration: .init(services: [service], gracefulShutdownSignals: [], logger: logger))
        let task = Task { try await group.run() }
        defer { task.cancel() }
        try await waitFor("READY=1") { notifier.notifications.contains(.ready) }
        try await body()
        await group.triggerGracefulShutdown()
        try await task.value
    }

    static func waitFor(_ what: String, _ condition: () -> Bool) async throws {
        for _ in 0..<500 {
            if condition() { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        Issue.record("timed out waiting for \(what)")
    }

    /// Lets the daemon's loop look at the clock a few times (it waits at most 20 ms on a manual clock).
    static func settle() async throws { try await Task.sleep(for: .milliseconds(250)) }

    static func events(_ journal: RecordingJournalSink, _ name: String) -> [[JournalField]] {
        journal.entries.filter { entry in entry.contains { $0.name == "ALLIANCE_EVENT" && $0.value == name } }
    }

    static func alerts(_ journal: RecordingJournalSink, rule: String) -> [String] {
        journal.entries.filter { entry in entry.contains { $0.name == "ALLIANCE_RULE" && $0.value == rule } }
            .compactMap { entry in entry.first { $0.name == "ALLIANCE_CLIENT" }?.value }
    }

    @Test func theHourlyCheckWritesTheDigestAfterDigestHourAndLapseAtItsInterval() async throws {
        let scratch = try TemporaryDirectory("aw-timer")
        try FileManager.default.createDirectory(atPath: scratch.file("spool/incoming"), withIntermediateDirectories: true)
        // C-102: a rupture today (warning). L-1: a rupture 20 days ago, no session since: lapse
        // (21 days) falls due at the first check of tomorrow.
        try writeFile(scratch.file("spool/incoming/a.jsonl"), Self.records("C-102", [38, 38, 38, 28], lastDay: 0)
            + Self.records("L-1", [38, 38, 38, 28], lastDay: -20, clinician: "T-08"))
        let clock = ManualClock(LocalTime(date: Self.day, hour: 6))
        clock.advance(by: .seconds(30 * 60))  // 06:30
        let journal = RecordingJournalSink()

        try await Self.running(scratch, clock: clock, journal: journal) {
            #expect(Self.alerts(journal, rule: "rupture").sorted() == ["C-102", "L-1"])
            #expect(Self.events(journal, "digest").isEmpty, "06:30 is before digest.hour 7")

            clock.advance(by: .seconds(45 * 60))  // 07:15, 45 minutes after the check at start
            try await Self.settle()
            #expect(Self.events(journal, "digest").isEmpty, "the next check is an hour after the last")

            clock.advance(by: .seconds(15 * 60))  // 07:30: the hourly check
            try await Self.waitFor("the digest") { Self.events(journal, "digest").count == 2 }
            let digests = Self.events(journal, "digest").map { entry in
                Dictionary(entry.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a })
            }
            #expect(digests.map { $0["ALLIANCE_CLINICIAN"] } == ["T-07", "T-08"])
            #expect(digests.first?["MESSAGE"] == "1 client needs attention for clinician T-07: C-102 (rupture open since session 4, SRS 28.0).")
            #expect(digests.first?["MESSAGE_ID"] == "aca2fb3e2b9645c98e1edb218583f52f")

            clock.advance(by: .seconds(3600))  // 08:30: another check, the same day
            try await Self.settle()
            #expect(Self.events(journal, "digest").count == 2, "one digest per clinician and day")

            clock.advance(by: .seconds(15 * 3600))  // 23:30: still 20 days since L-1's session
            try await Self.settle()
            #expect(Self.alerts(journal, rule: "lapse").isEmpty)
            clock.advance(by: .seconds(3600))  // 00:30 tomorrow
            try await Self.waitFor("lapse") { Self.alerts(journal, rule: "lapse") == ["L-1"] }
        }

        // A restart the same day writes no second digest; the next morning has its own.
        let sameDay = ManualClock(LocalTime(date: Self.day.adding(days: 1), hour: 9))
        let restarted = RecordingJournalSink()
        try await Self.running(scratch, clock: sameDay, journal: restarted) {}
        // The digest of the new day was composed at the restart (09:00 ≥ 07:00) ...
        #expect(Self.events(restarted, "digest").count == 2)
        let again = RecordingJournalSink()
        try await Self.running(scratch, clock: ManualClock(LocalTime(date: Self.day.adding(days: 1), hour: 10)), journal: again) {}
        // ... and not again at the next restart that day.
        #expect(Self.events(again, "digest").isEmpty)
        #expect(Self.alerts(again, rule: "lapse").isEmpty)
    }

    @Test func aDisabledDigestIsNeverWritten() async throws {
        let scratch = try TemporaryDirectory("aw-timer-off")
        try FileManager.default.createDirectory(atPath: scratch.file("spool/incoming"), withIntermediateDirectories: true)
        try writeFile(scratch.file("spool/incoming/a.jsonl"), Self.records("C-1", [38, 38, 38, 28], lastDay: 0))
        var settings = Settings()
        settings.digest.enabled = false
        settings.spool.directory = scratch.file("spool")
        settings.state.path = scratch.file("state.sqlite")
        let journal = RecordingJournalSink()
        let notifier = RecordingNotifier()
        let logger = Logger(label: "timer-test")
        let service = DaemonService(
            configPath: nil, settings: settings, journal: journal, notifier: notifier, logger: logger,
            clock: ManualClock(LocalTime(date: Self.day, hour: 12))
        )
        let group = ServiceGroup(configuration: .init(services: [service], gracefulShutdownSignals: [], logger: logger))
        let task = Task { try await group.run() }
        try await Self.waitFor("READY=1") { notifier.notifications.contains(.ready) }
        await group.triggerGracefulShutdown()
        try await task.value
        #expect(Self.alerts(journal, rule: "rupture") == ["C-1"])
        #expect(Self.events(journal, "digest").isEmpty)
    }
}
