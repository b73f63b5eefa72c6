import AllianceCore
import Foundation
import GRDB
import Testing
@testable import AllianceDaemon

#if canImport(Glibc)
import Glibc
#endif

/// A committed transaction survives `kill -9` of the process (SPEC §6.4). The test runs this test
/// bundle again as a child that commits and acknowledges transactions until it is killed.
@Suite struct StateStoreCrashTests {
    static let childVariable = "ALLIANCE_CRASH_CHILD_DATABASE"

    /// One transaction like an ingested record: state, session, alert.
    static func commit(_ number: Int, to store: StateStore) throws {
        let record = SessionRecord(client: "C-\(number)", session: 1, date: StoreFeeder.day(0), srs: StoreFeeder.srs(30))
        try store.write { transaction in
            try transaction.save(ClientState(client: "C-\(number)"))
            try transaction.insertSession(record, canonical: "{}", origin: RecordOrigin(source: "crash.jsonl", line: number), late: false)
            try transaction.enqueue([StateStoreTests.alert(.belowCutoff, key: "below-cutoff/C-\(number)/1/srs/1", client: "C-\(number)")])
        }
    }

    @Test(.enabled(if: ProcessInfo.processInfo.environment[childVariable] != nil))
    func childCommitsUntilKilled() throws {
        let store = try StateStore(path: ProcessInfo.processInfo.environment[Self.childVariable]!)
        for number in 1...1_000_000 {
            try Self.commit(number, to: store)
            FileHandle.standardOutput.write(Data("committed \(number)\n".utf8))
        }
    }

    @Test(.enabled(if: ProcessInfo.processInfo.environment[childVariable] == nil))
    func committedTransactionsSurviveKillNine() throws {
        let directory = try TemporaryDirectory()
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        child.arguments = ["--testing-library", "swift-testing", "--filter", "StateStoreCrashTests/childCommitsUntilKilled"]
        child.environment = ProcessInfo.processInfo.environment.merging([Self.childVariable: directory.database]) { $1 }
        let output = Pipe()
        child.standardOutput = output
        child.standardError = FileHandle.nullDevice
        try child.run()

        var acknowledged = 0
        var pending = ""
        func read(_ data: Data) {
            pending += String(decoding: data, as: UTF8.self)
            while let newline = pending.firstIndex(of: "\n") {
                let line = pending[..<newline]
                if line.hasPrefix("committed "), let number = Int(line.dropFirst("committed ".count)) { acknowledged = number }
                pending = String(pending[pending.index(after: newline)...])
            }
        }
        while acknowledged < 300 {
            let data = output.fileHandleForReading.availableData
            if data.isEmpty { break }
            read(data)
        }
        kill(child.processIdentifier, SIGKILL)
        child.waitUntilExit()
        // The child went on committing while we read: take every acknowledgement it wrote.
        read(output.fileHandleForReading.readDataToEndOfFile())
        #expect(child.terminationReason == .uncaughtSignal)
        try #require(acknowledged >= 300, "the child stopped after \(acknowledged) commits")

        let store = try StateStore(path: directory.database)
        let counts = try store.counts()
        #expect(counts.sessions >= acknowledged)
        #expect(counts.sessions <= acknowledged + 1, "at most the transaction in flight is extra")
        #expect(counts == StoreCounts(sessions: counts.sessions, clients: counts.sessions, alerts: counts.sessions, unsent: counts.sessions))
        #expect(try store.countsByScanning() == counts)
        for number in [1, acknowledged / 2, acknowledged] {
            #expect(try store.history(client: "C-\(number)").sessions.count == 1)
        }
        #expect(try store.database.read { try String.fetchOne($0, sql: "PRAGMA integrity_check") } == "ok")
    }
}
