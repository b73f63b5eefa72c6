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
        let parser = RecordParser(settings: settings, today: LocalClock.today())
        var session = ReplaySession(settings: settings, json: json, explain: explain)
        var opened = 0
        if !json { session.output.write(AlertTable.header) }

        for path in files {
            let name = URL(fileURLWithPath: path).lastPathComponent
            guard RecordFileFormat(fileName: name) == .jsonLines else {
                switch SpoolFiles.readRegularFile(atPath: path, maxBytes: nil) {
                case .contents(let bytes):
                    opened += 1
                    session.ingest(parser.parseFile(name: name, bytes: bytes), bytes: bytes, file: name)
                case let failure:
                    let issue = ReplayFileReader.issue(failure, path: path)
                    if issue.reason != .unreadable { opened += 1 }
                    session.reject(file: name, issue)
                }
                continue
            }
            let reader: ReplayFileReader
            switch ReplayFileReader.open(path: path) {
            case .failure(let issue):
                if issue.reason != .unreadable { opened += 1 }
                session.reject(file: name, issue)
                continue
            case .success(let opening):
                opened += 1
                reader = opening
            }
            // JSON lines: parse the next piece while the rules run over this one.
            func parse(_ chunk: ReplayFileReader.Chunk?) -> (ParsedFile, ReplayFileReader.Chunk)? {
                guard let chunk else { return nil }
                var parsed = parser.parse(chunk.bytes, as: .jsonLines)
                parsed.shiftLines(by: chunk.firstLine - 1)
                return (parsed, chunk)
            }
            var current: (ParsedFile, ReplayFileReader.Chunk)?
            switch reader.nextChunk() {
            case .failure(let issue): session.reject(file: name, issue)
            case .success(let chunk): current = parse(chunk)
            }
            while let (parsed, chunk) = current {
                let next = reader.nextChunk()
                async let upcoming = { () -> Result<(ParsedFile, ReplayFileReader.Chunk)?, RecordIssue> in
                    next.map { parse($0) }
                }()
                session.ingest(parsed, bytes: chunk.bytes, file: name)
                switch await upcoming {
                case .failure(let issue):
                    session.reject(file: name, issue)
                    current = nil
                case .success(let parsed):
                    current = parsed
                }
            }
        }
        session.output.flush()
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
}

/// The state of one `replay` run: the in-memory history, the output and the counts.
struct ReplaySession {
    var replay: ReplayRun
    var output = StandardOutput()
    let json: Bool
    let explain: Bool
    var rejectedFiles = 0
    var rejectedRecords = 0

    init(settings: Settings, json: Bool, explain: Bool) {
        replay = ReplayRun(settings: settings)
        self.json = json
        self.explain = explain
    }

    mutating func reject(file name: String, _ issue: RecordIssue) {
        if issue.reason != .unreadable { rejectedFiles += 1 }
        report(OperationalEvent.fileRejected(source: name, reason: issue.reason, message: issue.message))
    }

    mutating func ingest(_ parsed: ParsedFile, bytes: [UInt8], file name: String) {
        if let rejection = parsed.fileRejection {
            reject(file: name, rejection)
            return
        }
        for entry in parsed.entries {
            switch entry {
            case .rejected(let rejected):
                rejectedRecords += 1
                report(OperationalEvent.recordRejected(source: name, issue: rejected.issue))
            case .record(let parsedRecord):
                let origin = RecordOrigin(source: name, line: parsedRecord.line)
                let step = replay.ingest(parsedRecord.record, canonical: parsedRecord.canonical, origin: origin, explain: explain)
                if let conflict = step.conflict {
                    rejectedRecords += 1
                    report(OperationalEvent.recordRejected(source: name, issue: conflict))
                }
                if step.late, case .session(let session) = parsedRecord.record {
                    let highest = replay.state(of: session.client)?.episodes[session.episode]?.highestSession ?? session.session
                    report(OperationalEvent.lateRecord(
                        source: name, line: parsedRecord.line, client: session.client,
                        episode: session.episode, session: session.session, highestSession: highest
                    ))
                }
                if explain { printExplanations(step.explanations, record: parsedRecord.record) }
                for alert in step.alerts {
                    if json { output.writeJSONLine(alert) } else { output.write(AlertTable.row(alert)) }
                }
            }
        }
    }

    private mutating func report(_ event: OperationalEvent) {
        output.flush()
        FileHandle.standardError.write(Data((event.fallbackLine + "\n").utf8))
    }

    private mutating func printExplanations(_ explanations: [AllianceEngine.Explanation], record: Record) {
        guard case .session(let session) = record else { return }
        for explanation in explanations {
            let instrument = explanation.instrument.map { " \($0)" } ?? ""
            let mark = explanation.fired ? "fired" : "quiet"
            output.write("# \(session.client) episode \(session.episode) session \(session.session): \(explanation.rule.rawValue)\(instrument) \(mark): \(explanation.reason)\n")
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
        JSONText.appendLine(alert.journalFields, to: &buffer)
        if buffer.count >= 1 << 16 { flush() }
    }

    mutating func flush() {
        guard !buffer.isEmpty else { return }
        FileHandle.standardOutput.write(Data(buffer))
        buffer.removeAll(keepingCapacity: true)
    }
}
