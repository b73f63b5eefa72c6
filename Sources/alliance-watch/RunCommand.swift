import AllianceConfig
import AllianceCore
import AllianceDaemon
import ArgumentParser
import Glibc
import Logging
import ServiceLifecycle

/// `alliance-watch run`: the daemon.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Ingest the spool's backlog, then watch it and write alerts to the journal.",
        discussion: """
            Creates any missing spool folder, ingests every file already in incoming/ (oldest \
            first), sends READY=1 to the service manager, then ingests each file renamed into \
            incoming/ as it arrives. Alerts and operational events go to the systemd journal, or \
            to standard error, one line each, when no journal is running. SIGHUP reloads the \
            configuration (an invalid file keeps the running one); SIGTERM finishes the batch in \
            hand and exits 0.

            Exit codes: 0 stopped by SIGTERM, 1 invalid configuration, 3 runtime failure.
            """
    )

    @OptionGroup var configOptions: ConfigOptions

    func run() async throws {
        let settings = try configOptions.loadSettings()
        // A closed standard error must not kill the daemon through SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
        let journal = SystemdJournalSink()
        LoggingSystem.bootstrap { label -> any LogHandler in JournalLogHandler(label: label, sink: journal) }
        let logger = Logger(label: "alliance-watch")
        let service = DaemonService(
            configPath: configOptions.resolvedPath, settings: settings, journal: journal,
            notifier: SystemdNotifier(), logger: logger
        )
        let group = ServiceGroup(configuration: .init(
            services: [service], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger
        ))
        do {
            try await group.run()
        } catch {
            logger.critical("Stopping after a runtime failure: \(error)")
            writeToStandardError("alliance-watch: \(error)")
            throw ExitCode(3)
        }
    }
}
