import Foundation
import Testing

/// What one run of the built executable printed and how it exited.
private struct CommandRun {
    var status: Int32
    var standardOutput: String
    var standardError: String
}

private func runAllianceWatch(_ arguments: [String]) throws -> CommandRun {
    let process = Process()
    process.executableURL = ConfigFixtures.executable
    process.arguments = arguments
    let output = Pipe()
    let error = Pipe()
    process.standardOutput = output
    process.standardError = error
    try process.run()
    let outputData = output.fileHandleForReading.readDataToEndOfFile()
    let errorData = error.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return CommandRun(
        status: process.terminationStatus,
        standardOutput: String(decoding: outputData, as: UTF8.self),
        standardError: String(decoding: errorData, as: UTF8.self)
    )
}

/// `swift test` builds the executable with the tests; a lone test-target build may not have.
private let executableIsBuilt = FileManager.default.isExecutableFile(atPath: ConfigFixtures.executable.path)

@Suite(.enabled(if: executableIsBuilt, "the alliance-watch executable is not built"))
struct CheckConfigCommandTests {
    @Test func aValidFileIsConfirmedOnStandardOutput() throws {
        let path = ConfigFixtures.referenceConfiguration.path
        let run = try runAllianceWatch(["check-config", path])
        #expect(run.status == 0)
        #expect(run.standardOutput == "\(path): configuration is valid\n")
        #expect(run.standardError == "")
    }

    @Test func everyProblemGoesToStandardErrorAndTheExitStatusIsOne() throws {
        let testCase = try #require(invalidConfigCases.first { $0.name == "several-problems" })
        let path = ConfigFixtures.url(testCase.file).path
        let run = try runAllianceWatch(["check-config", path])
        #expect(run.status == 1)
        #expect(run.standardOutput == "")
        let expected = testCase.expected.map { path + $0.dropFirst(testCase.file.count) }
        #expect(run.standardError == expected.joined(separator: "\n") + "\n")
    }

    @Test func anUnreadableFileIsInvalid() throws {
        let run = try runAllianceWatch(["check-config", "/nonexistent/alliance-watch.toml"])
        #expect(run.status == 1)
        #expect(run.standardError == "/nonexistent/alliance-watch.toml: cannot read: No such file or directory\n")
    }

    @Test func aUsageErrorExitsWithTwo() throws {
        let run = try runAllianceWatch(["check-config", "a.toml", "b.toml"])
        #expect(run.status == 2)
        #expect(run.standardError.contains("Unexpected argument 'b.toml'"))
    }
}
