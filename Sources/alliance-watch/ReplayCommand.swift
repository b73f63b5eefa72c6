import AllianceConfig
import AllianceCore
import AllianceDaemon
import ArgumentParser
import Foundation

/// `alliance-watch replay`: the rules over record files with a fresh in-memory history.
struct ReplayCommand: ParsableCommand {
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

    func run() throws {
        let settings = try configOptions.loadSettings()
        var replay = ReplayRun(settings: settings)
        let parser = RecordParser(settings: settings, today: LocalClock.today())
        var output = StandardOutput()
        var opened = 0
        var rejectedFiles = 0
        var rejectedRecords = 0
        if !json { output.write(AlertTable.header) }

        for path in files {
            let name = URL(fileURLWithPath: path).lastPathComponent
            let bytes: [UInt8]
            switch ReplayFileReader.read(path: path) {
            case .failure(let issue):
                if issue.reason == .unreadable {
                    report(OperationalEvent.fileRejected(source: name, reason: .unreadable, message: issue.message))
                } else {
                    opened += 1
                    rejectedFiles += 1
                    report(OperationalEvent.fileRejected(source: name, reason: issue.reason, message: issue.message))
                }
                continue
            case .success(let data):
                opened += 1
                bytes = data
            }
            let parsed = parser.parseFile(name: name, bytes: bytes)
            if let rejection = parsed.fileRejection {
                rejectedFiles += 1
                report(OperationalEvent.fileRejected(source: name, reason: rejection.reason, message: rejection.message))
                continue
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
                    if explain { printExplanations(step.explanations, record: parsedRecord.record, into: &output) }
                    for alert in step.alerts {
                        output.write(json ? AlertTable.jsonLine(alert) : AlertTable.row(alert))
                    }
                }
            }
        }
        output.flush()
        let totals = replay.summary
        if summary {
            let text = SummaryReport.render(totals)
            (json ? FileHandle.standardError : FileHandle.standardOutput).write(Data(text.utf8))
        }
        let line = "replay: \(opened) of \(files.count) files read, \(totals.records) records stored, "
            + "\(totals.alerts) alerts, \(rejectedFiles) files and \(rejectedRecords) records rejected, "
            + "\(totals.duplicates) duplicates skipped, \(totals.lateRecords) late records\n"
        FileHandle.standardError.write(Data(line.utf8))
        if opened == 0 { throw ExitCode(1) }
    }

    private func report(_ event: OperationalEvent) {
        FileHandle.standardError.write(Data((event.fallbackLine + "\n").utf8))
    }

    private func printExplanations(_ explanations: [AllianceEngine.Explanation], record: Record, into output: inout StandardOutput) {
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

    mutating func flush() {
        guard !buffer.isEmpty else { return }
        FileHandle.standardOutput.write(Data(buffer))
        buffer.removeAll(keepingCapacity: true)
    }
}
