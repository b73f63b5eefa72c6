import Foundation
import Testing

/// Everything one integration test needs around the real `alliance-watch` binary: a scratch
/// folder with a spool, a state database and a configuration, and the daemons it started, each
/// with its own private journald. `tearDown()` (call it in a `defer`) kills what still runs.
final class DaemonFixture {
    let scratch: TemporaryDirectory
    let spool: String
    let statePath: String
    let configPath: String
    private var daemons: [DaemonProcess] = []
    private var stoppedJournalds: [pid_t] = []

    init(_ label: String) throws {
        try #require(isRoot, "the integration tests need root: unshare --mount and a private journald")
        scratch = try TemporaryDirectory("aw-\(label)")
        spool = scratch.file("spool")
        statePath = scratch.file("state/state.sqlite")
        configPath = scratch.file("alliance-watch.toml")
        try writeConfig()
    }

    func tearDown() {
        // A stopped journald would keep its wrapper waiting for ever.
        for journald in stoppedJournalds { continueJournald(journald) }
        for daemon in daemons { daemon.killIfRunning() }
    }

    var incoming: String { spool + "/incoming" }
    var processed: String { spool + "/processed" }
    var rejected: String { spool + "/rejected" }
    var tmp: String { spool + "/tmp" }

    // MARK: - Configuration

    /// Writes the configuration: the spool and state of this fixture, `spoolKeys` lines added to
    /// `[spool]`, then `tables` (more TOML) as given. Written to a temporary name and renamed,
    /// so that a reload never reads half a file.
    func writeConfig(spoolKeys: [String] = [], tables: String = "") throws {
        let text = """
            [spool]
            directory = "\(spool)"
            \(spoolKeys.joined(separator: "\n"))

            [state]
            path = "\(statePath)"

            \(tables)

            """
        try writeFile(configPath + ".new", text)
        guard rename(configPath + ".new", configPath) == 0 else { throw HarnessError("rename config: \(errno)") }
    }

    // MARK: - Running the daemon

    /// The spool folders the daemon creates at start, made here for tests that fill `incoming/`
    /// before starting it.
    func createSpoolFolders() throws {
        for folder in [tmp, incoming, processed, rejected] {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
    }

    /// A private journal in `scratch/NAME` (a fresh one per daemon run keeps runs apart).
    func journal(_ name: String) -> PrivateJournal { PrivateJournal(directory: scratch.file(name)) }

    /// Starts `alliance-watch run --config …` inside `wrapper`, with `NOTIFY_SOCKET` pointing
    /// at `notify` when given, and `daemonEnvironment` for the daemon alone.
    func startDaemon(
        _ label: String, wrapper: [String], wrapperEnvironment: [String: String] = [:], notify: NotifySocket? = nil,
        daemonEnvironment: [String: String] = [:]
    ) async throws -> DaemonProcess {
        var environment = daemonEnvironment
        if let notify { environment["NOTIFY_SOCKET"] = notify.path }
        let daemon = try await DaemonProcess.start(
            ["run", "--config", configPath], wrapper: wrapper, wrapperEnvironment: wrapperEnvironment,
            daemonEnvironment: environment, label: label, scratch: scratch.path)
        daemons.append(daemon)
        return daemon
    }

    /// Starts the daemon in a private journald and waits for its `READY=1`.
    func startReadyDaemon(_ label: String, journal: PrivateJournal, timeout: Duration = .seconds(60)) async throws -> (DaemonProcess, NotifySocket) {
        let notify = try NotifySocket(path: scratch.file("\(label).notify"))
        let daemon = try await startDaemon(label, wrapper: journal.wrapper, notify: notify)
        try await waitForReady(daemon, notify: notify, timeout: timeout)
        return (daemon, notify)
    }

    func waitForReady(_ daemon: DaemonProcess, notify: NotifySocket, timeout: Duration = .seconds(60)) async throws {
        try await eventually("\(daemon.label): READY=1", timeout: timeout) {
            guard daemon.isRunning else {
                throw HarnessError("\(daemon.label) exited before READY=1: \(daemon.standardError)")
            }
            return notify.firstIndex(of: "READY=1") != nil
        }
    }

    /// SIGSTOPs the private journald that `daemon`'s wrapper started (its child named
    /// `systemd-journal`): its socket stays, but nothing reads it any more.
    func stopJournald(of daemon: DaemonProcess) throws -> pid_t {
        guard let wrapper = daemon.parentPID else { throw HarnessError("\(daemon.label) has no parent") }
        let processes = try FileManager.default.contentsOfDirectory(atPath: "/proc").compactMap { pid_t($0) }
        guard let journald = processes.first(where: {
            DaemonProcess.parent(of: $0) == wrapper && DaemonProcess.command(of: $0) == "systemd-journal"
        }) else { throw HarnessError("no journald under \(daemon.label)'s wrapper \(wrapper)") }
        guard kill(journald, SIGSTOP) == 0 else { throw HarnessError("SIGSTOP \(journald): \(errno)") }
        stoppedJournalds.append(journald)
        return journald
    }

    func continueJournald(_ journald: pid_t) {
        kill(journald, SIGCONT)
        stoppedJournalds.removeAll { $0 == journald }
    }

    /// A namespace whose `/run/systemd` is an empty tmpfs: no journal socket at all.
    static let noJournaldWrapper = [
        "/usr/bin/unshare", "--mount", "--propagation", "private", "--", "/bin/bash", "-c",
        #"d=/run/systemd; [ -d $d ] || d=/run; mount -t tmpfs tmpfs $d && mkdir -p /run/systemd/journal && exec "$@""#, "bash",
    ]

    // MARK: - Putting files into the spool

    /// `alliance-watch submit --config … FILE…`.
    func submit(_ paths: [String]) throws -> ChildProcess.Result {
        try ChildProcess.run([try BuiltExecutable.path, "submit", "--config", configPath] + paths, in: scratch.path)
    }

    /// What a careful writer does by hand: copy into `tmp/` under a dot-name, then rename(2)
    /// into `incoming/`.
    func copyThenRename(_ path: String, as name: String? = nil) throws {
        let name = name ?? URL(fileURLWithPath: path).lastPathComponent
        let temporary = tmp + "/.\(name).part"
        try FileManager.default.copyItem(atPath: path, toPath: temporary)
        guard rename(temporary, incoming + "/" + name) == 0 else { throw HarnessError("rename into incoming/: \(errno)") }
    }

    // MARK: - Looking at the results

    func names(in folder: String) -> [String] { (try? listing(folder)) ?? [] }

    /// `incoming/` without dot-files.
    var pendingNames: [String] { names(in: incoming).filter { !$0.hasPrefix(".") } }

    /// One value per row, `|` between columns, from the state database (sqlite3 CLI, which
    /// reads the WAL of a running daemon too).
    func query(_ sql: String) throws -> [String] {
        // sqlite3 would create an empty database where the daemon has not made one yet.
        guard FileManager.default.fileExists(atPath: statePath) else { throw HarnessError("no state database yet") }
        let result = try ChildProcess.run(["/usr/bin/sqlite3", "-batch", statePath, sql], in: scratch.path)
        guard result.status == 0 else { throw HarnessError("sqlite3 \(sql): \(result.standardError)") }
        return result.standardOutput.split(separator: "\n").map(String.init)
    }

    func count(_ sql: String) throws -> Int {
        guard let value = try query(sql).first.flatMap({ Int($0) }) else { throw HarnessError("not a count: \(sql)") }
        return value
    }

    /// The replay of `paths` with this fixture's configuration: the reference for the alerts
    /// the daemon must write (`--json`: journal field names as keys).
    func replay(_ paths: [String]) throws -> (alerts: [[String: String]], standardError: String) {
        let result = try ChildProcess.run([try BuiltExecutable.path, "replay", "--json", "--config", configPath] + paths, in: scratch.path)
        guard result.status == 0 else { throw HarnessError("replay exited with \(result.status): \(result.standardError)") }
        let alerts = try result.standardOutput.split(separator: "\n").map { line in
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String] else {
                throw HarnessError("replay printed a line that is not an object of strings: \(line)")
            }
            return object
        }
        return (alerts, result.standardError)
    }
}

extension PrivateJournal {
    /// The alerts in this journal (entries with `ALLIANCE_RULE`), oldest first.
    func alerts(scratch: String) throws -> [[String: String]] {
        try entries(["SYSLOG_IDENTIFIER=alliance-watch"], scratch: scratch).filter { $0["ALLIANCE_RULE"] != nil }
    }

    /// The operational entries of one kind (`record-rejected`, …), oldest first.
    func events(_ kind: String, scratch: String) throws -> [[String: String]] {
        try entries(["ALLIANCE_EVENT=\(kind)"], scratch: scratch)
    }
}
