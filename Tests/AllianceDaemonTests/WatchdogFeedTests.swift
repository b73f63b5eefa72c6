import AllianceCore
import Foundation
import Testing
@testable import AllianceDaemon

// A batch can hold far more work than one WatchdogSec= (the e2e burst of 50,000 records took
// 16 s in one batch), so the ingestor reports progress from inside it and the daemon feeds the
// watchdog from there.

@Test func theIngestorReportsProgressForEveryRecordAndEveryDeliveredChunk() throws {
    let scratch = try TemporaryDirectory()
    let files = SpoolFiles(layout: SpoolLayout(root: scratch.file("spool")))
    try files.createFolders()
    let journal = RecordingJournalSink()
    let ingestor = SpoolIngestor(
        files: files, store: try StateStore(path: scratch.database), journal: journal, settings: Settings()
    )
    let records = (0..<5).map { i in
        #"{"schema": 1, "client": "W-\#(i)", "session": 1, "date": "2026-02-02", "srs": {"relationship": 7.5, "goals": 7.5, "approach": 7.5, "overall": 7.5}}"#
    }
    try writeFile(files.layout.incoming + "/batch.jsonl", records.joined(separator: "\n") + "\n")
    var calls = 0
    ingestor.progress = { calls += 1 }
    try ingestor.ingest(["batch.jsonl"], today: LocalClock.today())
    #expect(journal.values(of: "ALLIANCE_RULE") == Array(repeating: "below-cutoff", count: 5))
    // one file read + five records + one file placed + one delivered chunk
    #expect(calls >= 8)
}

@Test func theWatchdogFeederSendsAtMostOncePerInterval() {
    let notifier = RecordingNotifier(watchdogInterval: .seconds(30))
    let seldom = WatchdogFeeder(notifier: notifier, every: .seconds(3600))
    for _ in 0..<1000 { seldom.feedIfDue() }
    #expect(notifier.notifications.isEmpty)
    let always = WatchdogFeeder(notifier: notifier, every: .zero)
    for _ in 0..<3 { always.feedIfDue() }
    #expect(notifier.messages == [[.watchdog], [.watchdog], [.watchdog]])
}
