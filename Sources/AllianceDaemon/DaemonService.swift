import AllianceConfig
import AllianceCore
import Glibc
import Logging
import ServiceLifecycle
import Synchronization
import UnixSignals

/// `alliance-watch run` (SPEC §8): ingest the backlog, then watch `incoming/` until SIGTERM;
/// SIGHUP reloads the configuration. Long-running work is this one `Service`.
public struct DaemonService: Service {
    /// The configuration file, or nil when the built-in defaults are in force.
    public let configPath: String?
    public let settings: Settings
    public let journal: any JournalSink
    public let notifier: any ServiceNotifier
    public let logger: Logger
    /// The wall and timer clocks (a parameter so that tests can move them).
    public let clock: any DaemonClock
    /// How often lapse, the digest and the retention of `processed/` are checked.
    public let housekeepingInterval: Duration

    public init(
        configPath: String?, settings: Settings, journal: any JournalSink, notifier: any ServiceNotifier,
        logger: Logger, clock: any DaemonClock = SystemClock(),
        housekeepingInterval: Duration = .seconds(3600)
    ) {
        self.configPath = configPath
        self.settings = settings
        self.journal = journal
        self.notifier = notifier
        self.logger = logger
        self.clock = clock
        self.housekeepingInterval = housekeepingInterval
    }

    /// Files handed to the ingestor at a time: large enough to make a backlog fast (one fsynced
    /// commit and one fsync of the folders per batch: 2,048 gave 12,700-13,500 one-record files/s
    /// where 512 gave 9,500-10,800), small enough that SIGTERM is honoured promptly. The
    /// ingestor splits a batch further by bytes (`SpoolIngestor.batchByteBudget`), and the
    /// watchdog is fed from inside it (`SpoolIngestor.progress`).
    static let batchSize = 2048

    public func run() async throws {
        let layout = SpoolLayout(root: settings.spool.directory)
        let files = SpoolFiles(layout: layout)
        try files.createFolders()
        try Self.createParentFolder(of: settings.state.path)
        let store = try StateStore(path: settings.state.path)
        let watcher = try SpoolWatcher(directory: layout.incoming)
        let ingestor = SpoolIngestor(files: files, store: store, journal: journal, settings: settings)
        if let interval = notifier.watchdogInterval {
            let watchdog = WatchdogFeeder(notifier: notifier, every: interval / 4)
            ingestor.progress = { watchdog.feedIfDue() }
        }
        let control = DaemonControl()
        // Trapped from here on: SIGHUP's default action would end the daemon during the backlog.
        // One that arrives before the watch loop waits in the sequence and reloads after READY=1.
        let hangups = await UnixSignalsSequence(trapping: .sighup)

        // The handler covers the backlog too: SIGTERM there ends the ingestion after the batch
        // in hand, and the rest waits in incoming/ for the next start.
        let stall = IngestStall(clock: clock)
        try await withGracefulShutdownHandler {
            // After a crash: resend what was queued but not marked sent, then the backlog. A
            // fault of the state database here stalls ingestion; the daemon still becomes ready
            // and retries from the watch loop.
            notifier.notify(.status("Ingesting the backlog of '\(layout.incoming)'"))
            try guarded(stall, ingestor: ingestor, watcher: watcher) {
                try ingestor.deliverQueuedAlerts()
                try ingest(try watcher.backlog(), with: ingestor, control: control)
                if control.stopRequested { return }
                try housekeeping(ingestor)
            }
            if control.stopRequested { return }
            _ = journal.send(OperationalEvent.daemonStarted(configuration: configPath ?? "(built-in defaults)", spool: layout.root))
            notifier.notify(.ready, .status(status(ingestor, stall: stall, spool: layout.root)))

            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await _ in hangups {
                        control.requestReload()
                        watcher.wake()
                    }
                }
                try await watch(watcher, ingestor: ingestor, control: control, stall: stall, spool: layout.root)
                group.cancelAll()
            }
        } onGracefulShutdown: {
            control.requestStop()
            watcher.wake()
            // A send waiting for a stalled journald gives up; its alerts stay queued (SPEC §6.4).
            journal.stopWaiting()
        }
        notifier.notify(.stopping, .status("Stopping: \(ingestor.counters.status(spool: layout.root))"))
    }

    private func watch(_ watcher: SpoolWatcher, ingestor: SpoolIngestor, control: DaemonControl, stall: IngestStall, spool: String) async throws {
        var nextHousekeeping = clock.monotonic() + housekeepingInterval
        let watchdog = notifier.watchdogInterval.map { $0 / 2 }
        while !control.stopRequested {
            if control.takeReloadRequest() { reload(ingestor, stall: stall, spool: spool) }
            var timeout = nextHousekeeping - clock.monotonic()
            if let retry = stall.retryAt { timeout = min(timeout, retry - clock.monotonic()) }
            if let watchdog { timeout = min(timeout, watchdog) }
            if let maximum = clock.maximumWait { timeout = min(timeout, maximum) }
            let events = await watcher.nextEvents(timeout: max(timeout, .zero))
            if watchdog != nil { notifier.notify(.watchdog) }
            var names: [String] = []
            for event in events {
                switch event {
                case .arrived(let name): names.append(name)
                case .rescanNeeded: names += try watcher.backlog()
                case .watchLost: throw DaemonError("'\(watcher.directory)' was removed or moved away; stopping so that the service manager restarts the daemon")
                }
            }
            if let retry = stall.retryAt {
                // Stalled: what arrived waits in incoming/; the retry takes the whole backlog,
                // then the housekeeping that may have been missed.
                guard clock.monotonic() >= retry else { continue }
                try guarded(stall, ingestor: ingestor, watcher: watcher) {
                    try ingest(try watcher.backlog(), with: ingestor, control: control)
                    if control.stopRequested { return }
                    try housekeeping(ingestor)
                }
                if !stall.isStalled { nextHousekeeping = clock.monotonic() + housekeepingInterval }
                notifier.notify(.status(status(ingestor, stall: stall, spool: spool)))
                continue
            }
            if !names.isEmpty {
                try guarded(stall, ingestor: ingestor, watcher: watcher) { try ingest(names, with: ingestor, control: control) }
                notifier.notify(.status(status(ingestor, stall: stall, spool: spool)))
            }
            if clock.monotonic() >= nextHousekeeping, !stall.isStalled {
                try guarded(stall, ingestor: ingestor, watcher: watcher) { try housekeeping(ingestor) }
                nextHousekeeping = clock.monotonic() + housekeepingInterval
                if stall.isStalled { notifier.notify(.status(status(ingestor, stall: stall, spool: spool))) }
            }
        }
    }

    /// Ingests `names` batch by batch; after a stop request, the batches not yet begun stay
    /// in incoming/ for the next start.
    private func ingest(_ names: [String], with ingestor: SpoolIngestor, control: DaemonControl) throws {
        var start = names.startIndex
        while start < names.endIndex && !control.stopRequested {
            let end = min(start + Self.batchSize, names.endIndex)
            try ingestor.ingest(Array(names[start..<end]), today: clock.localTime().date)
            if notifier.watchdogInterval != nil { notifier.notify(.watchdog) }
            start = end
        }
    }

    /// Lapse (SPEC §5: at start and at least hourly), the daily digest (SPEC §6.5: at the first
    /// of these checks at or after `digest.hour`) and the retention of `processed/`.
    private func housekeeping(_ ingestor: SpoolIngestor) throws {
        let now = clock.localTime()
        try ingestor.checkLapse(today: now.date)
        try ingestor.writeDigest(now: now)
        let keepDays = ingestor.settings.spool.keepProcessedDays
        if keepDays > 0 { _ = try ingestor.files.deleteProcessed(keepDays: keepDays) }
    }

    /// Runs `work`. A fault of the state database (SPEC §6.4) does not stop the daemon: the
    /// first one starts a stall (one `ingest-stalled` entry), each one sets the next retry;
    /// a `work` that completes while stalled ends the stall (one `ingest-resumed` entry).
    /// Other errors stop the daemon as before.
    private func guarded(_ stall: IngestStall, ingestor: SpoolIngestor, watcher: SpoolWatcher, _ work: () throws -> Void) throws {
        do {
            try work()
            if let ended = stall.end() {
                _ = journal.send(OperationalEvent.ingestResumed(reason: ended.rawValue, waiting: (try? watcher.backlog().count) ?? 0))
            }
        } catch {
            guard let fault = StoreFault(error) else { throw error }
            if stall.begin(fault) {
                let waiting = (try? watcher.backlog().count) ?? 0
                _ = journal.send(OperationalEvent.ingestStalled(
                    reason: fault.rawValue, explanation: fault.explanation(path: ingestor.store.path),
                    state: ingestor.store.path, waiting: waiting
                ))
                logger.debug("ingestion stalled: \(error)")
            }
        }
    }

    /// `STATUS=`: the counts, or while stalled why and when the next retry is.
    private func status(_ ingestor: SpoolIngestor, stall: IngestStall, spool: String) -> String {
        guard let fault = stall.fault, let retry = stall.retryAt else { return ingestor.counters.status(spool: spool) }
        let seconds = max(0, Int((retry - clock.monotonic()).components.seconds))
        return "Stalled (\(fault.rawValue)): \(fault.explanation(path: ingestor.store.path)); "
            + "files wait in incoming/, retrying in \(seconds) s. \(ingestor.counters.status(spool: spool))"
    }

    /// SIGHUP: a valid file replaces the running configuration; an invalid one is reported and
    /// the running configuration stays (SPEC §7).
    private func reload(_ ingestor: SpoolIngestor, stall: IngestStall, spool: String) {
        notifier.notify(.reloading)
        let path = configPath ?? ConfigLoader.defaultPath
        switch ConfigLoader.load(path: path) {
        case .success(let settings):
            if settings.spool.directory != ingestor.settings.spool.directory || settings.state.path != ingestor.settings.state.path {
                logger.warning("spool.directory and state.path take effect at the next start, not on reload")
            }
            ingestor.apply(settings)
            _ = journal.send(OperationalEvent.configReloaded(configuration: path))
        case .failure(let errors):
            _ = journal.send(OperationalEvent.configReloadFailed(configuration: path, reason: errors.description))
        }
        notifier.notify(.ready, .status(status(ingestor, stall: stall, spool: spool)))
    }

    /// `mkdir -p` of the database's folder (in production `StateDirectory=` has made it).
    static func createParentFolder(of path: String) throws {
        guard let slash = path.lastIndex(of: "/"), slash != path.startIndex else { return }
        try SpoolFiles.createFolder(String(path[..<slash]), mode: 0o750, parents: true)
    }
}

/// Sends `WATCHDOG=1` from inside a long batch, at most once per `every`: cheap enough to
/// call for every record (one clock read).
final class WatchdogFeeder: Sendable {
    private let notifier: any ServiceNotifier
    private let every: Duration
    private let clock = ContinuousClock()
    private let last: Mutex<ContinuousClock.Instant>

    init(notifier: any ServiceNotifier, every: Duration) {
        self.notifier = notifier
        self.every = every
        last = Mutex(clock.now)
    }

    func feedIfDue() {
        let now = clock.now
        let due = last.withLock { last in
            guard now - last >= every else { return false }
            last = now
            return true
        }
        if due { notifier.notify(.watchdog) }
    }
}

/// A stall of ingestion after a fault of the state database, and its retry schedule: the
/// first retry 1 s after the fault, then the delay doubles up to 60 s (SPEC §6.4). Used by the
/// daemon's loop only.
final class IngestStall: @unchecked Sendable {
    static let firstDelay = Duration.seconds(1)
    static let longestDelay = Duration.seconds(60)

    private let clock: any DaemonClock
    private(set) var fault: StoreFault?
    private(set) var retryAt: Duration?
    private var delay = IngestStall.firstDelay

    init(clock: any DaemonClock) { self.clock = clock }

    var isStalled: Bool { fault != nil }

    /// Records a fault and schedules the next retry; true when it starts a stall.
    func begin(_ fault: StoreFault) -> Bool {
        let starts = self.fault == nil
        if starts { delay = Self.firstDelay } else { delay = min(delay * 2, Self.longestDelay) }
        self.fault = fault
        retryAt = clock.monotonic() + delay
        return starts
    }

    /// Ends a stall; returns the fault that ended, nil when there was none.
    func end() -> StoreFault? {
        defer {
            fault = nil
            retryAt = nil
            delay = Self.firstDelay
        }
        return fault
    }
}

/// Requests from signal handlers to the ingest loop.
final class DaemonControl: Sendable {
    private let state = Mutex<(stop: Bool, reload: Bool)>((false, false))

    func requestStop() { state.withLock { $0.stop = true } }
    func requestReload() { state.withLock { $0.reload = true } }
    var stopRequested: Bool { state.withLock { $0.stop } }

    func takeReloadRequest() -> Bool {
        state.withLock { value in
            defer { value.reload = false }
            return value.reload
        }
    }
}

/// A failure that stops the daemon (exit 3); the service manager restarts it.
public struct DaemonError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
