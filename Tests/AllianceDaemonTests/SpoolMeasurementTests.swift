import AllianceCore
import Foundation
import Testing
@testable import AllianceDaemon

// Cost of the spool's file operations on this machine, printed for the record. Off by
// default (they take seconds and the numbers depend on the disk); run with
//   ALLIANCE_MEASURE=1 swift test --filter spoolOperationCosts
// The folder is under TMPDIR, so point TMPDIR at the file system to measure.

@Test(.enabled(if: ProcessInfo.processInfo.environment["ALLIANCE_MEASURE"] != nil))
func spoolOperationCosts() throws {
    let scratch = try TemporaryDirectory()
    let files = SpoolFiles(layout: SpoolLayout(root: scratch.file("spool")))
    try files.createFolders()
    let body = String(repeating: "x", count: 399) + "\n"
    let clock = ContinuousClock()

    func perFile(_ count: Int, _ work: (Int) throws -> Void) rethrows -> String {
        let start = clock.now
        for index in 0..<count { try work(index) }
        let total = clock.now - start
        let microseconds = Double(total.components.seconds) * 1e6 + Double(total.components.attoseconds) / 1e12
        return String(format: "%8.1f µs/file (%d files)", microseconds / Double(count), count)
    }

    func fill(_ prefix: String, _ count: Int) throws {
        for index in 0..<count { try writeFile(files.layout.incoming + "/\(prefix)\(index).json", body) }
    }

    try fill("r", 2000)
    let read = try perFile(2000) { index in
        guard case .contents = files.read("r\(index).json", maxBytes: 8 << 20) else { throw CocoaError(.fileReadUnknown) }
    }
    let batched = try perFile(2000) { index in
        try files.place("r\(index).json", outcome: .ingested(rejectedRecords: []))
        if index == 1999 { try files.syncDirectories() }
    }
    try fill("s", 300)
    let syncedEach = try perFile(300) { index in
        try files.place("s\(index).json", outcome: .ingested(rejectedRecords: []))
        try files.syncDirectories()
    }
    try fill("p", 300)
    let record = RejectedRecord(issue: RecordIssue(line: 1, reason: .outOfRange, field: "srs.approach", message: "11 is out of range 0…10"), text: body)
    let partial = try perFile(300) { index in
        try files.place("p\(index).json", outcome: .ingested(rejectedRecords: [record]))
        if index == 299 { try files.syncDirectories() }
    }
    let sink = SystemdJournalSink(socketPath: scratch.file("none"))
    let socketCheck = perFile(100_000) { _ in _ = sink.socketExists() }

    print("""
        spool operation costs in \(scratch.path):
          read 400 B file                                   \(read)
          place (move) to processed/, one sync per batch    \(batched)
          place (move) to processed/, sync after each       \(syncedEach)
          place with 1 rejected record (2 fsynced files)    \(partial)
          journal socket check (stat)                       \(socketCheck)
        """)
    #expect(try listing(files.layout.processed).count == 2600)
    #expect(try listing(files.layout.rejected).count == 600)
}
