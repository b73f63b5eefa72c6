import Foundation
import Testing

/// Runs the built `alliance-watch history` on a real state file (SPEC §8 exit codes).
@Suite struct HistoryCommandTests {
    struct Run {
        var status: Int32
        var standardOutput: String
        var standardError: String
    }

    static func run(_ arguments: [String]) throws -> Run {
        let process = Process()
        process.executableURL = try BuiltExecutable.url()
        process.arguments = arguments
        let output = Pipe()
        let error = Pipe()
        process.standardOutput = output
        process.standardError = error
        try process.run()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(
            status: process.terminationStatus,
            standardOutput: String(decoding: outputData, as: UTF8.self),
            standardError: String(decoding: errorData, as: UTF8.self)
        )
    }

    @Test func printsTheHistoryOfAStoredClient() throws {
        // The store stays open, as the daemon would: the sessions are still in its WAL.
        let (store, directory) = try HistoryReportTests.smallClient()
        defer { withExtendedLifetime(store) {} }
        #expect(FileManager.default.fileExists(atPath: directory.database + "-wal"))
        let run = try Self.run(["history", "C-102", "--state", directory.database])
        #expect(run.status == 0)
        #expect(run.standardOutput.hasPrefix("Client C-102: 6 sessions in episode 1\n"))
        #expect(run.standardOutput.contains("    5  2026-02-02  no-show             missed-after-alert(err)\n"))
        #expect(run.standardError == "")

        let episode = try Self.run(["history", "C-102", "--state", directory.database, "--episode", "1"])
        #expect(episode.status == 0)
        #expect(episode.standardOutput == run.standardOutput)
    }

    @Test func anUnknownClientOrEpisodeExitsWithOne() throws {
        let (_, directory) = try HistoryReportTests.smallClient()
        let client = try Self.run(["history", "C-999", "--state", directory.database])
        #expect(client.status == 1)
        #expect(client.standardOutput == "")
        #expect(client.standardError == "alliance-watch: no client 'C-999' in '\(directory.database)'\n")

        let episode = try Self.run(["history", "C-102", "--episode", "7", "--state", directory.database])
        #expect(episode.status == 1)
        #expect(episode.standardError == "alliance-watch: client 'C-102' has no episode '7' (episodes: 1)\n")
    }

    @Test func aDatabaseThatCannotBeOpenedExitsWithThree() throws {
        let directory = try TemporaryDirectory()
        let run = try Self.run(["history", "C-102", "--state", directory.database])
        #expect(run.status == 3)
        #expect(run.standardError.hasPrefix("alliance-watch: cannot open the state database '\(directory.database)': "))
        #expect(run.standardError.hasSuffix("(no such file)\n"))
        #expect(!FileManager.default.fileExists(atPath: directory.database))
    }

    @Test func aNamedConfigurationThatCannotBeReadExitsWithOne() throws {
        let (_, directory) = try HistoryReportTests.smallClient()
        let run = try Self.run(["history", "C-102", "--config", "/etc/alliance-watch/x.toml", "--state", directory.database])
        #expect(run.status == 1)
        #expect(run.standardError == "/etc/alliance-watch/x.toml: cannot read: No such file or directory\n")
    }
}
