import AllianceConfig
import AllianceCore
import AllianceDaemon
import ArgumentParser
import Foundation
import Glibc

/// `alliance-watch replay`: the rules over record files with a fresh in-memory history.
struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Run the rules over record files and print the alerts they raise.",
        discussion: """
            Files are read in the order given, with a fresh in-memory history: no spool, no \
            state database and no journal are touched. The clock for the lapse rule is the \
            latest session date seen so far, so give the files in date order. Rejected files \
            and records, and late records, are reported on standard error. Use it to tune \
            thresholds on past data before changing the daemon's configuration.
            """
    )

    @OptionGroup var configOptions: ConfigOptions

    @Flag(help: "Print one JSON object per alert whose keys are the journal field names.")
    var json = false

    @Flag(help: "After the alerts, print alerts per rule and per priority and warnings per 100 sessions.")
    var summary = false

    @Flag(help: "Print, for every session, why each rule fired or stayed quiet.")
    var explain = false

    @Argument(help: "Record files (.json, .jsonl, .ndjson, .csv).")
    var files: [String]

    func run() async throws {
        let settings = try configOptions.loadSettings()
        let parser = {
            var parser = RecordParser(settings: settings, today: LocalClock.today())
            parser.keepsCanonical = false  // replay compares fingerprints only
            return parser
        }()
        // Three stages on their own threads, so that the rules (this thread) run while the
        // next piece is read and parsed and the last piece's alerts are written:
        //   reader: read and parse files, number clients → pieces
        //   here:   the rules over every record, in order → output
        //   writer: format alerts, write standard output and error; free what was consumed.
        let pieces = HandOff<ReplayPiece>(capacity: 2)
        let output = HandOff<ReplayOutput>(capacity: 2)
        let written = DispatchSemaphore(value: 0)
        let files = self.files
        let json = self.json
        let niceness: Int32 = 5
        Self.startThread(name: "replay-reader", nice: niceness) { ReplayReader(parser: parser, pieces: pieces).read(files) }
        Self.startThread(name: "replay-writer", nice: niceness) {
            ReplayWriter(json: json).write(output)
            written.signal()
        }

        var session = ReplaySession(settings: settings, explain: explain)
        var opened = 0
        if !json { session.pending.append(.text(AlertTable.header)) }
        while let piece = pieces.take() {
            switch piece {
            case .opened:
                opened += 1
            case let .rejected(name, issue):
                session.reject(file: name, issue)
            case let .parsed(name, batch):
                session.ingest(batch, file: name)
                output.put(ReplayOutput(items: session.takePending(), consumed: batch))
                continue
            }
            output.put(ReplayOutput(items: session.takePending(), consumed: nil))
        }
        output.close()
        written.wait()

        let totals = session.replay.summary
        if summary {
            let text = SummaryReport.render(totals)
            (json ? FileHandle.standardError : FileHandle.standardOutput).write(Data(text.utf8))
        }
        let line = "replay: \(opened) of \(files.count) files read, \(totals.records) records stored, "
            + "\(totals.alerts) alerts, \(session.rejectedFiles) files and \(session.rejectedRecords) records rejected, "
            + "\(totals.duplicates) duplicates skipped, \(totals.lateRecords) late records\n"
        FileHandle.standardError.write(Data(line.utf8))
        // The history of every client is dropped by the exit itself: freeing it piece by piece
        // would only cost time.
        Glibc.exit(opened == 0 ? 1 : 0)
    }

    /// Starts a helper thread of the pipeline with a lower scheduling weight (nice +N): with
    /// three threads on two cores, an equal share would leave the rules' thread, the one the
    /// others wait for, two thirds of a core.
    private static func startThread(name: String, nice: Int32, _ body: @escaping @Sendable () -> Void) {
        let thread = Thread {
            // On Linux the nice value is per thread, and `who` 0 is the calling thread.
            _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, nice)
            body()
        }
        thread.name = name
        thread.stackSize = 8 << 20
        thread.start()
    }
}

/// What the reader hands to the rules: a file opened, a file rejected, or a parsed piece.
enum ReplayPiece: Sendable {
    case opened
    case rejected(file: String, RecordIssue)
    /// A file, or a piece of a JSON-lines file, laid out for the rules.
    case parsed(file: String, ReplayBatch)
}

/// What the rules hand to the writer: lines to write, and the piece they consumed, so that it
/// is freed on the writer's thread rather than on the rules'.
struct ReplayOutput: Sendable {
    var items: [ReplayOutputItem]
    var consumed: ReplayBatch?
}

enum ReplayOutputItem: Sendable {
    case alert(Alert)
    /// Text for standard output.
    case text(String)
    /// One line for standard error, written after everything before it on standard output.
    case error(String)
}

/// The reader thread: files in the order given, JSON-lines files in pieces of whole lines.
struct ReplayReader {
    let parser: RecordParser
    let pieces: HandOff<ReplayPiece>

    func read(_ files: [String]) {
        var names = ReplayNames()
        func send(_ name: String, _ parsed: ParsedFile) {
            pieces.put(.parsed(file: name, ReplayBatch(parsed, names: &names)))
        }
        func reject(_ name: String, _ issue: RecordIssue) {
            if issue.reason != .unreadable { pieces.put(.opened) }
            pieces.put(.rejected(file: name, issue))
        }
        for path in files {
            let name = URL(fileURLWithPath: path).lastPathComponent
            guard RecordFileFormat(fileName: name) == .jsonLines else {
                switch SpoolFiles.readRegularFile(atPath: path, maxBytes: nil) {
                case .contents(let bytes):
                    pieces.put(.opened)
                    send(name, parser.parseFile(name: name, bytes: bytes))
                case let failure:
                    reject(name, ReplayFileReader.issue(failure, path: path))
                }
                continue
            }
            let reader: ReplayFileReader
            switch ReplayFileReader.open(path: path) {
            case .failure(let issue):
                reject(name, issue)
                continue
            case .success(let opening):
                pieces.put(.opened)
                reader = opening
            }
            pieces: while true {
                switch reader.nextChunk() {
                case .failure(let issue):
                    pieces.put(.rejected(file: name, issue))
                    break pieces
                case .success(nil):
                    break pieces
                case .success(let chunk?):
                    pieces.put(.parsed(file: name, ReplayBatch(jsonLines: chunk.bytes, firstLine: chunk.firstLine, parser: parser, names: &names)))
                }
            }
        }
        pieces.close()
    }
}

/// The writer thread: alerts as JSON lines or table rows, buffered.
struct ReplayWriter {
    let json: Bool

    func write(_ output: HandOff<ReplayOutput>) {
        var standardOutput = StandardOutput()
        while let batch = output.take() {
            for item in batch.items {
                switch item {
                case .alert(let alert):
                    if json { standardOutput.writeJSONLine(alert) } else { standardOutput.write(AlertTable.row(alert)) }
                case .text(let text):
                    standardOutput.write(text)
                case .error(let line):
                    standardOutput.flush()
                    FileHandle.standardError.write(Data((line + "\n").utf8))
                }
            }
        }
        standardOutput.flush()
    }
}

/// The state of one `replay` run on the rules' thread: the in-memory history and the counts.
struct ReplaySession {
    var replay: ReplayRun
    let explain: Bool
    var rejectedFiles = 0
    var rejectedRecords = 0
    /// Output for the writer, in order.
    var pending: [ReplayOutputItem] = []

    init(settings: Settings, explain: Bool) {
        replay = ReplayRun(settings: settings)
        self.explain = explain
    }

    mutating func takePending() -> [ReplayOutputItem] {
        defer { pending = [] }
        return pending
    }

    mutating func reject(file name: String, _ issue: RecordIssue) {
        if issue.reason != .unreadable { rejectedFiles += 1 }
        report(OperationalEvent.fileRejected(source: name, reason: issue.reason, message: issue.message))
    }

    mutating func ingest(_ batch: ReplayBatch, file name: String) {
        if let rejection = batch.fileRejection {
            reject(file: name, rejection)
            return
        }
        // Records are borrowed where they lie: an array's subscript would copy each one.
        batch.sessions.withUnsafeBufferPointer { sessions in
            for entry in batch.entries {
                switch entry.kind {
                case .rejected:
                    rejectedRecords += 1
                    report(OperationalEvent.recordRejected(source: name, issue: batch.rejections[entry.index]))
                case .profile:
                    _ = replay.ingest(profile: batch.profiles[entry.index], keys: entry.keys)
                case .session:
                    ingest(sessions[entry.index], entry, file: name)
                }
            }
        }
    }

    private mutating func ingest(_ session: borrowing SessionRecord, _ entry: ReplayBatch.Entry, file name: String) {
        let origin = RecordOrigin(source: name, line: entry.line)
        let step = replay.ingest(session: session, fingerprint: entry.fingerprint, keys: entry.keys, origin: origin, explain: explain)
        if let conflict = step.conflict {
            rejectedRecords += 1
            report(OperationalEvent.recordRejected(source: name, issue: conflict))
        }
        if step.late {
            report(OperationalEvent.lateRecord(
                source: name, line: entry.line, client: session.client,
                episode: session.episode, session: session.session, highestSession: step.highestSession ?? session.session
            ))
        }
        if explain { printExplanations(step.explanations, session: session) }
        for alert in step.alerts { pending.append(.alert(alert)) }
    }

    private mutating func report(_ event: OperationalEvent) {
        pending.append(.error(event.fallbackLine))
    }

    private mutating func printExplanations(_ explanations: [AllianceEngine.Explanation], session: SessionRecord) {
        for explanation in explanations {
            let instrument = explanation.instrument.map { " \($0)" } ?? ""
            let mark = explanation.fired ? "fired" : "quiet"
            pending.append(.text("# \(session.client) episode \(session.episode) session \(session.session): \(explanation.rule.rawValue)\(instrument) \(mark): \(explanation.reason)\n"))
        }
    }
}

/// Buffered standard output: replay prints up to millions of lines.
struct StandardOutput {
    private var buffer: [UInt8] = []

    mutating func write(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 16 { flush() }
    }

    mutating func writeJSONLine(_ alert: Alert) {
        alert.appendJSONLine(to: &buffer)
        if buffer.count >= 1 << 16 { flush() }
    }

    /// Writes the buffer to file descriptor 1 directly (without copying it into `Data`); a
    /// write error other than an interruption ends the program with status 1.
    mutating func flush() {
        guard !buffer.isEmpty else { return }
        buffer.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = Glibc.write(1, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    writeToStandardError("alliance-watch: cannot write standard output: \(String(cString: strerror(errno)))")
                    Glibc.exit(1)
                }
                offset += written
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }
}
