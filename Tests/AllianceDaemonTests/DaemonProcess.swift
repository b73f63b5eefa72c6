import Foundation
import Testing

/// One `alliance-watch run` started by a test, usually inside a wrapper (the private-journal
/// script, or a namespace without journald). The wrapper is the child this process waits for;
/// the daemon is the wrapper's child, found through a pid file that a tiny shell writes just
/// before it `exec`s the daemon, so that signals go to the daemon's own pid and nothing else.
final class DaemonProcess {
    let label: String
    let standardOutputPath: String
    let standardErrorPath: String
    /// The daemon's pid (not the wrapper's).
    let pid: pid_t
    private let process: Process

    /// Starts `alliance-watch ARGUMENTS` inside `wrapper`, which gets `wrapperEnvironment`.
    /// `daemonEnvironment` is set for the daemon alone (e.g. `NOTIFY_SOCKET`, which journald in
    /// the wrapper must not see). Returns once the daemon's pid is known.
    static func start(
        _ arguments: [String], wrapper: [String], wrapperEnvironment: [String: String] = [:],
        daemonEnvironment: [String: String] = [:], label: String, scratch: String
    ) async throws -> DaemonProcess {
        let pidFile = scratch + "/\(label).pid"
        let setEnvironment = daemonEnvironment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        let command = wrapper
            + ["/bin/sh", "-c", #"echo $$ > "$0.tmp" && mv "$0.tmp" "$0" && exec "$@""#, pidFile, "/usr/bin/env"]
            + setEnvironment + [try BuiltExecutable.path] + arguments

        let outputPath = scratch + "/\(label).out"
        let errorPath = scratch + "/\(label).err"
        _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errorPath, contents: nil)
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
        let error = try FileHandle(forWritingTo: URL(fileURLWithPath: errorPath))
        defer {
            try? output.close()
            try? error.close()
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        var environment = ProcessInfo.processInfo.environment
        for name in ["NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "JOURNAL_STREAM", "ALLIANCE_TEST_CHILD"] {
            environment[name] = nil
        }
        environment.merge(wrapperEnvironment) { _, new in new }
        process.environment = environment
        process.standardOutput = output
        process.standardError = error
        process.standardInput = FileHandle.nullDevice
        try process.run()

        var pid: pid_t?
        do {
            try await eventually("\(label): the daemon's pid file", timeout: .seconds(30)) {
                if !process.isRunning { return true }
                pid = (try? String(contentsOfFile: pidFile, encoding: .utf8))
                    .flatMap { pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
                return pid != nil
            }
        } catch {
            if process.isRunning { process.terminate() }
            throw error
        }
        guard let pid else {
            process.waitUntilExit()
            let message = (try? readFile(errorPath)) ?? ""
            throw HarnessError("\(label): the wrapper exited with \(process.terminationStatus) before starting the daemon: \(message)")
        }
        return DaemonProcess(label: label, process: process, pid: pid, standardOutputPath: outputPath, standardErrorPath: errorPath)
    }

    private init(label: String, process: Process, pid: pid_t, standardOutputPath: String, standardErrorPath: String) {
        self.label = label
        self.process = process
        self.pid = pid
        self.standardOutputPath = standardOutputPath
        self.standardErrorPath = standardErrorPath
    }

    /// Whether the wrapper (and so possibly the daemon) is still running.
    var isRunning: Bool { process.isRunning }

    /// Sends `signal` to the daemon's pid.
    func send(_ signal: Int32) throws {
        guard kill(pid, signal) == 0 else {
            throw HarnessError("\(label): kill(\(pid), \(signal)) failed: \(String(cString: strerror(errno)))")
        }
    }

    /// The wrapper's exit status (the private-journal script passes the daemon's through), once
    /// it has exited. Throws when it has not exited within `timeout`.
    func exitStatus(within timeout: Duration = .seconds(60)) async throws -> Int32 {
        try await eventually("\(label) exits", timeout: timeout) { !process.isRunning }
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// SIGTERM, then the exit status.
    func stop(within timeout: Duration = .seconds(60)) async throws -> Int32 {
        try send(SIGTERM)
        return try await exitStatus(within: timeout)
    }

    /// For clean-up after a failure: SIGKILL to the daemon if its wrapper still runs, then wait
    /// for the wrapper, which stops its journald on the way out.
    func killIfRunning() {
        guard process.isRunning else { return }
        kill(pid, SIGKILL)
        process.waitUntilExit()
    }

    /// The wrapper's pid: the daemon's parent.
    var parentPID: pid_t? { Self.parent(of: pid) }

    /// Field 4 of `/proc/PID/stat`; nil when the process is gone.
    static func parent(of pid: pid_t) -> pid_t? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        return fields.count > 1 ? pid_t(fields[1]) : nil
    }

    /// The name in `/proc/PID/comm`.
    static func command(of pid: pid_t) -> String? {
        (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8))?.trimmingCharacters(in: .newlines)
    }

    var standardError: String { (try? readFile(standardErrorPath)) ?? "" }
    var standardOutput: String { (try? readFile(standardOutputPath)) ?? "" }
}

/// A failure of the test harness itself, with a description that says what was awaited.
struct HarnessError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Checks `condition` every `interval` until it holds; throws when `timeout` passes first. This
/// is how the integration tests wait: for a state they can observe, never for a fixed time.
func eventually(
    _ what: String, timeout: Duration = .seconds(60), interval: Duration = .milliseconds(25),
    _ condition: () throws -> Bool
) async throws {
    let clock = ContinuousClock()
    let deadline = clock.now.advanced(by: timeout)
    while true {
        if try condition() { return }
        if clock.now >= deadline { throw HarnessError("timed out after \(timeout) waiting for: \(what)") }
        try await Task.sleep(for: interval)
    }
}
