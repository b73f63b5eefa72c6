import AllianceConfig
import AllianceCore
import AllianceDaemon
import ArgumentParser
import Foundation

/// `alliance-watch submit`: validate rating files, then drop them into the spool.
struct SubmitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Validate rating files and drop them into the spool.",
        discussion: """
            Every file is read and checked first, with the same rules as the daemon. If any file \
            or record is invalid, each problem is printed as FILE:LINE: field: reason: message, \
            nothing is submitted and the exit code is 1. Otherwise each file is written to the \
            spool's tmp/ folder and renamed into incoming/, so the daemon never sees half a file.
            """
    )

    @OptionGroup var configOptions: ConfigOptions

    @Option(help: ArgumentHelp("The spool folder, instead of the configuration's spool.directory.", valueName: "dir"))
    var spool: String?

    @Argument(help: "Record files (.json, .jsonl, .ndjson, .csv).")
    var files: [String]

    func run() throws {
        let settings = try configOptions.loadSettings()
        let parser = RecordParser(settings: settings, today: LocalClock.today())
        var accepted: [(name: String, bytes: [UInt8])] = []
        var problems: [String] = []
        for path in files {
            let name = URL(fileURLWithPath: path).lastPathComponent
            switch SpoolFiles.readRegularFile(atPath: path, maxBytes: settings.spool.maxFileBytes) {
            case .vanished:
                problems.append("\(path): unreadable: no such file")
            case let .rejected(reason, message):
                problems.append("\(path): \(reason.rawValue): \(message)")
            case .contents(let bytes):
                let parsed = parser.parseFile(name: name, bytes: bytes)
                if let issue = parsed.fileRejection {
                    problems.append(Self.describe(path, issue))
                    continue
                }
                let rejected = parsed.rejected
                if rejected.isEmpty {
                    accepted.append((name, bytes))
                } else {
                    problems += rejected.map { Self.describe(path, $0.issue) }
                }
            }
        }
        guard problems.isEmpty else {
            for problem in problems { writeToStandardError(problem) }
            writeToStandardError("alliance-watch: nothing submitted: \(problems.count) problem(s) in \(files.count) file(s)")
            throw ExitCode(1)
        }
        let spoolFiles = SpoolFiles(layout: SpoolLayout(root: spool ?? settings.spool.directory))
        for file in accepted {
            do {
                let placed = try spoolFiles.submit(name: file.name, bytes: file.bytes)
                print("submitted '\(file.name)' as '\(placed)'")
            } catch {
                writeToStandardError("alliance-watch: \(error)")
                throw ExitCode(3)
            }
        }
    }

    /// `FILE:LINE: field: reason: message`.
    static func describe(_ path: String, _ issue: RecordIssue) -> String {
        var text = path
        if issue.line > 0 { text += ":\(issue.line)" }
        text += ": "
        if let field = issue.field { text += "\(field): " }
        return text + "\(issue.reason.rawValue): \(issue.message)"
    }
}
