import Foundation
import Testing

/// Runs programs for the integration tests: the private-journal script and the test binary
/// itself in its child modes.
enum ChildProcess {
    struct Result {
        var status: Int32
        var standardOutput: String
        var standardError: String
    }

    /// Runs `arguments[0]` with the rest as arguments and waits. Output goes through files, so
    /// that a chatty child cannot fill a pipe and stall. The environment is this process's
    /// without the service-manager variables, plus `environment`.
    static func run(_ arguments: [String], environment: [String: String] = [:], in scratch: String) throws -> Result {
        let outputPath = scratch + "/child-\(UUID().uuidString).out"
        let errorPath = scratch + "/child-\(UUID().uuidString).err"
        _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errorPath, contents: nil)
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
        let error = try FileHandle(forWritingTo: URL(fileURLWithPath: errorPath))
        defer {
            try? output.close()
            try? error.close()
        }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: arguments[0])
        process.arguments = Array(arguments.dropFirst())
        var merged = ProcessInfo.processInfo.environment
        for name in ["NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "JOURNAL_STREAM"] { merged[name] = nil }
        merged.merge(environment) { _, new in new }
        process.environment = merged
        process.standardOutput = output
        process.standardError = error
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus,
            standardOutput: try readFile(outputPath),
            standardError: try readFile(errorPath))
    }

    /// The absolute path of the running test binary.
    static var testExecutable: String {
        get throws { try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") }
    }

    /// The repository's `scripts/` folder, found from this source file.
    static var scriptsFolder: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("scripts").path
    }
}

/// A test of this binary that does its work only when a parent test runs the binary again with
/// `ALLIANCE_TEST_CHILD` set to its mode — inside a private journald, a private mount namespace
/// or a fake service manager — and reports back through the file `ALLIANCE_TEST_REPORT`.
/// Without the variable it is skipped, so a normal run never executes it directly.
enum ChildMode: String {
    case journal
    case noJournald = "no-journald"
    case notify

    static var current: ChildMode? {
        ProcessInfo.processInfo.environment["ALLIANCE_TEST_CHILD"].flatMap(ChildMode.init(rawValue:))
    }

    static func writeReport(_ lines: [String]) throws {
        let path = try #require(ProcessInfo.processInfo.environment["ALLIANCE_TEST_REPORT"])
        try writeFile(path, lines.joined(separator: "\n"))
    }

    /// Runs the child test `testName` in mode `self`, wrapped by `wrapper` (a command that runs
    /// its arguments), and returns what it reported. Fails when the child failed or did not run.
    func run(testName: String, wrapper: [String] = [], environment: [String: String] = [:], scratch: String) throws -> [String] {
        let report = scratch + "/report-\(rawValue).txt"
        var env = environment
        env["ALLIANCE_TEST_CHILD"] = rawValue
        env["ALLIANCE_TEST_REPORT"] = report
        let command = wrapper + [try ChildProcess.testExecutable, "--testing-library", "swift-testing", "--filter", testName]
        let result = try ChildProcess.run(command, environment: env, in: scratch)
        if result.status != 0 {
            Issue.record("child '\(testName)' exited with \(result.status)\n\(result.standardOutput)\n\(result.standardError)")
        }
        guard FileManager.default.fileExists(atPath: report) else {
            Issue.record("child '\(testName)' wrote no report; did it run?\n\(result.standardOutput)\n\(result.standardError)")
            return []
        }
        return try readFile(report).components(separatedBy: "\n")
    }
}
