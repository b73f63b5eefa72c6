import AllianceCore

/// Ingests spool files in batches (SPEC §2, §6.4): every record of a batch is stored and its
/// alerts queued in ONE transaction; after the commit the queued alerts are written to the
/// journal and marked sent, and only then are the files moved out of `incoming/` (a crash
/// before that re-ingests them: duplicate detection skips what was stored, and an alert key
/// marked sent is not sent again). Alerts go out before the moves so that the latency from a
/// file's arrival to its alert holds one fsync (the commit), not three.
public final class SpoolIngestor {
    public let files: SpoolFiles
    public let store: StateStore
    public let journal: any JournalSink
    public private(set) var settings: Settings
    private var engine: AllianceEngine
    public private(set) var counters = IngestCounters()
    /// Called often while a batch is read, ingested, placed and delivered: once per file read
    /// and placed, per record in the transaction, per lapse candidate and per chunk of alerts
    /// delivered. The daemon feeds the service manager's watchdog from it, because one batch
    /// (up to 2,048 files and 32 MiB of contents) can take far longer than
    /// `WatchdogSec=`.
    public var progress: () -> Void = {}
    /// Outbox ids written to the journal whose marking as sent failed (a fault of the state
    /// database): they are marked before anything else is delivered, never written again.
    private var sentButUnmarked: [Int64] = []

    public init(files: SpoolFiles, store: StateStore, journal: any JournalSink, settings: Settings) {
        self.files = files
        self.store = store
        self.journal = journal
        self.settings = settings
        engine = AllianceEngine(settings: settings)
    }

    /// Applies a reloaded configuration to the files that follow.
    public func apply(_ settings: Settings) {
        self.settings = settings
        engine = AllianceEngine(settings: settings)
    }

    /// A file read and parsed, waiting for the batch's transaction.
    private enum Prepared {
        case parsed(name: String, bytes: [UInt8], entries: [ParsedEntry])
        case rejected(name: String, SpoolErrorEntry)
    }

    /// Bytes of file contents one transaction holds at most (besides its last file): a batch of
    /// large files is split so that memory stays bounded whatever the spool holds.
    public static let batchByteBudget = 32 << 20

    /// Ingests the named files of `incoming/`: one transaction per batch of files whose contents
    /// fit `batchByteBudget`. Names that are gone are skipped.
    public func ingest(_ names: [String], today: CalendarDate) throws {
        var remaining = names[...]
        while !remaining.isEmpty {
            remaining = try ingestBatch(remaining, today: today)
        }
    }

    /// Ingests files from the front of `names` until the byte budget is spent; returns the rest.
    private func ingestBatch(_ names: ArraySlice<String>, today: CalendarDate) throws -> ArraySlice<String> {
        let parser = RecordParser(settings: settings, today: today)
        var seen = Set<String>()
        var prepared: [Prepared] = []
        var bytesRead = 0
        var rest = names[names.endIndex...]
        for (index, name) in zip(names.indices, names) where !name.hasPrefix(".") && seen.insert(name).inserted {
            if bytesRead >= Self.batchByteBudget {
                rest = names[index...]
                break
            }
            progress()
            switch files.read(name, maxBytes: settings.spool.maxFileBytes) {
            case .vanished:
                continue
            case let .rejected(reason, message):
                prepared.append(.rejected(name: name, SpoolErrorEntry(reason: reason, message: message)))
            case .contents(let bytes):
                bytesRead += bytes.count
                let parsed = parser.parseFile(name: name, bytes: bytes)
                if let rejection = parsed.fileRejection {
                    prepared.append(.rejected(name: name, SpoolErrorEntry(rejection)))
                } else {
                    prepared.append(.parsed(name: name, bytes: bytes, entries: parsed.entries))
                }
            }
        }
        guard !prepared.isEmpty else { return rest }

        var events: [OperationalEvent] = []
        var outcomes: [(name: String, outcome: SpoolOutcome)] = []
        var batch = IngestCounters()
        try store.write { transaction in
            for file in prepared {
                switch file {
                case let .rejected(name, entry):
                    outcomes.append((name, .rejected(entry)))
                case let .parsed(name, bytes, entries):
                    var rejectedRecords: [RejectedRecord] = []
                    for entry in entries {
                        progress()
                        switch entry {
                        case .rejected(let rejected):
                            rejectedRecords.append(rejected)
                            events.append(.recordRejected(source: name, issue: rejected.issue))
                        case .record(let parsed):
                            let origin = RecordOrigin(source: name, line: parsed.line)
                            let result = try transaction.ingest(parsed.record, canonical: parsed.canonical, origin: origin, engine: engine)
                            switch result.outcome {
                            case .duplicate:
                                batch.duplicates += 1
                            case .conflict(let issue):
                                rejectedRecords.append(RejectedRecord(issue: issue, text: parsed.text(in: bytes)))
                                events.append(.recordRejected(source: name, issue: issue))
                            case let .stored(alerts, late):
                                batch.records += 1
                                batch.alerts += alerts.count
                                if late, case .session(let session) = parsed.record {
                                    events.append(.lateRecord(
                                        source: name, line: parsed.line, client: session.client, episode: session.episode,
                                        session: session.session, highestSession: result.highestSession ?? session.session
                                    ))
                                }
                            }
                        }
                    }
                    batch.rejectedRecords += rejectedRecords.count
                    outcomes.append((name, .ingested(rejectedRecords: rejectedRecords)))
                }
            }
        }

        // The batch is committed: its files may leave incoming/ even if marking its alerts as
        // sent meets a fault of the database (they are marked at the next delivery).
        var deliveryFault: (any Error)?
        do {
            try deliverQueuedAlerts()
        } catch where StoreFault(error) != nil {
            deliveryFault = error
        }
        let retention: ProcessedRetention = settings.spool.keepProcessedDays == 0 ? .delete : .keep
        for (name, outcome) in outcomes {
            progress()
            _ = try files.place(name, outcome: outcome, retention: retention)
            if case let .rejected(entry) = outcome {
                batch.rejectedFiles += 1
                events.append(.fileRejected(source: name, reason: entry.reason, message: entry.message))
            } else {
                batch.files += 1
            }
        }
        try files.syncDirectories()
        for event in events { _ = journal.send(event) }
        counters.add(batch)
        if let deliveryFault { throw deliveryFault }
        return rest
    }

    /// Alerts written to the journal between two commits that mark them sent. A crash between
    /// the write and the commit makes a restart write them again, so this is the most keys the
    /// journal can see twice (SPEC §6.4 "at most few in flight"); each group costs a commit.
    public static let deliveryGroupSize = 16

    /// Writes every queued alert to the journal (or the stderr fallback) and marks it sent, in
    /// groups of `deliveryGroupSize`. An alert that could be written nowhere stays queued for
    /// the next call, and so does everything after it.
    public func deliverQueuedAlerts() throws {
        if !sentButUnmarked.isEmpty {
            try store.markSent(sentButUnmarked)
            counters.alertsDelivered += sentButUnmarked.count
            sentButUnmarked.removeAll()
        }
        while true {
            let queued = try store.unsentAlerts(limit: 1000)
            guard !queued.isEmpty else { return }
            var start = queued.startIndex
            while start < queued.endIndex {
                let group = queued[start..<min(start + Self.deliveryGroupSize, queued.endIndex)]
                var sent: [Int64] = []
                for (id, alert) in group {
                    guard journal.send(alert).isDelivered else { break }
                    sent.append(id)
                }
                do {
                    try store.markSent(sent)
                } catch {
                    sentButUnmarked = sent
                    throw error
                }
                counters.alertsDelivered += sent.count
                progress()
                if sent.count < group.count { return }
                start = group.endIndex
            }
        }
    }

    /// `lapse` for every client whose window contains `today`, in one transaction.
    public func checkLapse(today: CalendarDate) throws {
        try store.write { transaction in
            for name in try transaction.lapseCandidates(on: today, lapse: settings.lapse) {
                progress()
                guard var client = try transaction.client(name) else { continue }
                let alert = engine.checkLapse(client: &client, now: today)
                try transaction.save(client)
                if let alert { _ = try transaction.enqueue([alert]) }
            }
        }
        try deliverQueuedAlerts()
    }
}

extension SpoolIngestor {
    /// The daily digest (SPEC §6.5) at a check at `now`: composed at the first check at or after
    /// `digest.hour` of the day, then its entries written; an entry journald did not take is
    /// tried again at the next check of the same day.
    public func writeDigest(now: LocalTime) throws {
        let digest = settings.digest
        guard digest.enabled, now.hour >= digest.hour else { return }
        try store.composeDigest(AttentionQuery(day: now.date, days: digest.days), risk: settings.risk)
        for (clinician, event) in try store.unsentDigests(day: now.date) {
            guard journal.send(event).isDelivered else { return }
            try store.markDigestSent(day: now.date, clinician: clinician)
        }
    }
}

/// What the daemon has done since it started, for `STATUS=`.
public struct IngestCounters: Hashable, Sendable {
    public var files = 0
    public var rejectedFiles = 0
    public var records = 0
    public var rejectedRecords = 0
    public var duplicates = 0
    public var alerts = 0
    public var alertsDelivered = 0

    public init() {}

    mutating func add(_ other: IngestCounters) {
        files += other.files
        rejectedFiles += other.rejectedFiles
        records += other.records
        rejectedRecords += other.rejectedRecords
        duplicates += other.duplicates
        alerts += other.alerts
        alertsDelivered += other.alertsDelivered
    }

    /// `STATUS=` text: `Watching '/var/spool/alliance-watch': 12 files, 340 records, 5 alerts, 1 rejected`.
    public func status(spool: String) -> String {
        "Watching '\(spool)': \(files) files, \(records) records, \(alerts) alerts, "
            + "\(rejectedFiles) files and \(rejectedRecords) records rejected"
    }
}
