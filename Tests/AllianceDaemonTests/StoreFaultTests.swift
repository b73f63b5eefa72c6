import AllianceCore
import Foundation
import GRDB
import Testing

@testable import AllianceDaemon

/// Which errors of the state database stall ingestion instead of stopping the daemon, and the
/// retry schedule (SPEC §6.4). tests/faults/run.sh proves the same against the built binary.
@Suite struct StoreFaultTests {
    @Test func sqliteErrorsAreClassifiedByTheirCause() {
        #expect(StoreFault(DatabaseError(resultCode: .SQLITE_FULL)) == .diskFull)
        #expect(StoreFault(DatabaseError(resultCode: .SQLITE_BUSY)) == .databaseBusy)
        #expect(StoreFault(DatabaseError(resultCode: .SQLITE_LOCKED)) == .databaseBusy)
        #expect(StoreFault(DatabaseError(resultCode: .SQLITE_READONLY)) == .databaseReadonly)
        #expect(StoreFault(DatabaseError(resultCode: .SQLITE_IOERR_WRITE)) == .databaseReadonly)
        #expect(StoreFault(DatabaseError(resultCode: .SQLITE_CORRUPT)) == nil)
        #expect(StoreFault(DatabaseError(resultCode: .SQLITE_IOERR_READ)) == nil)
        #expect(StoreFault(DaemonError("other")) == nil)
    }

    @Test func aBusyDatabaseThrowsAFaultAndLosesNothing() throws {
        let directory = try TemporaryDirectory()
        let store = try StateStore(path: directory.database)
        var feeder = StoreFeeder(store)
        let holder = try DatabaseQueue(path: directory.database, configuration: {
            var configuration = Configuration()
            configuration.busyMode = .immediateError
            configuration.allowsUnsafeTransactions = true
            return configuration
        }())
        try holder.inDatabase { db in try db.execute(sql: "BEGIN EXCLUSIVE") }
        let record = SessionRecord(client: "C-1", session: 1, date: StoreFeeder.day(0), srs: StoreFeeder.srs(30))
        let started = Date()
        do {
            try feeder.ingest(record)
            Issue.record("the write went through an exclusive lock")
        } catch {
            #expect(StoreFault(error) == .databaseBusy)
        }
        #expect(Date().timeIntervalSince(started) >= 5, "the busy timeout is waited first")
        try holder.inDatabase { db in try db.execute(sql: "ROLLBACK") }
        #expect(try feeder.ingest(record) == ["below-cutoff(notice)"])
        #expect(try store.counts().sessions == 1)
    }

    @Test func retriesStartAfterOneSecondAndDoubleUpToSixty() {
        let clock = ManualClock(LocalTime(date: StoreFeeder.day(0), hour: 9))
        let stall = IngestStall(clock: clock)
        #expect(stall.begin(.diskFull))
        var delays: [Int64] = [stall.retryAt!.components.seconds]
        for _ in 0..<8 {
            #expect(!stall.begin(.diskFull), "one ingest-stalled entry per stall")
            delays.append(stall.retryAt!.components.seconds)
        }
        #expect(delays == [1, 2, 4, 8, 16, 32, 60, 60, 60])
        #expect(stall.end() == .diskFull)
        #expect(stall.end() == nil && !stall.isStalled)
        #expect(stall.begin(.databaseBusy))
        #expect(stall.retryAt == .seconds(1))
    }
}
