import AllianceCore
import Foundation
import Testing

/// `alliance-watch replay` as a user runs it: the built binary over a file large enough to be
/// read in several pieces, with rejected lines, duplicates, conflicts, late records, profiles
/// and second episodes. Its output must be exactly what the engine gives over the whole file
/// parsed at once, formatted through the plain field list: the binary's pieces, threads, client
/// numbering, fingerprints from bytes and alert lines written from drafts must change nothing.
@Suite struct ReplayCommandTests {
    static let brokenLine = #"{"schema":1,"client":"C-5","session":"#

    /// About 2.7 MB: five 512 KiB pieces and a partial one.
    static func generatedRecords() -> [String] {
        var lines: [String] = []
        var state: UInt64 = 7
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        func rating() -> String { String(format: "%.1f", 4 + Double(next(61)) / 10) }
        let start = CalendarDate(year: 2025, month: 1, day: 6)!
        for session in 1...10 {
            for client in 0..<1_400 {
                let date = start.adding(days: session * 7 + client % 5)
                var line = #"{"schema":1,"client":"C-\#(client)","clinician":"T-\#(client % 40)","#
                if client % 9 == 0, session > 6 { line += #""episode":"2","# }
                line += #""session":\#(session),"date":"\#(date)","#
                if client % 7 == 0, session == 1 { line += #""profile":{"substance_use":true,"motivation":{"ruler":3}},"# }
                line += #""srs":{"relationship":\#(rating()),"goals":\#(rating()),"approach":\#(rating()),"overall":\#(rating())}"#
                if client % 3 == 0 { line += #","wai_sr":[\#((0..<12).map { _ in String(1 + next(5)) }.joined(separator: ","))]"# }
                if client % 11 == 0 { line += #","psq":{"tension":true,"intensity":\#(1 + next(5))}"# }
                line += "}"
                lines.append(line)
                if next(200) == 0 { lines.append(line) }  // a duplicate
            }
        }
        lines.insert(Self.brokenLine, at: 9_000)  // invalid JSON in a later piece
        lines.insert(#"{"schema":1,"client":"C-6","session":1,"date":"2025-01-13","srs":{"relationship":11,"goals":1,"approach":1,"overall":1}}"#, at: 12_345)
        lines.insert(#"{"schema":1,"type":"profile","client":"C-8","motivation":{"level":"low"}}"#, at: 3_000)
        // A conflict and a late record at the end.
        lines.append(#"{"schema":1,"client":"C-1","clinician":"T-1","session":3,"date":"2025-01-27","srs":{"relationship":1,"goals":1,"approach":1,"overall":1}}"#)
        lines.append(#"{"schema":1,"client":"C-2","clinician":"T-2","session":0,"date":"2025-04-01","srs":{"relationship":2,"goals":2,"approach":2,"overall":2}}"#)
        lines.append(#"{"schema":1,"client":"C-4","clinician":"T-4","episode":"1","session":30,"date":"2025-04-02","srs":{"relationship":9,"goals":9,"approach":9,"overall":9}}"#)
        lines.append(#"{"schema":1,"client":"C-4","clinician":"T-4","episode":"1","session":20,"date":"2025-04-03","srs":{"relationship":2,"goals":2,"approach":2,"overall":2}}"#)
        return lines
    }

    @Test func theBinaryOverManyPiecesGivesWhatTheEngineGivesOverTheWholeFile() throws {
        let directory = try TemporaryDirectory("replay-command")
        let name = "piece\"wise.jsonl"
        let path = directory.file(name)
        let records = Self.generatedRecords()
        let brokenLine = records.firstIndex(of: Self.brokenLine)! + 1
        let text = records.joined(separator: "\n") + "\n"
        try writeFile(path, text)
        #expect(text.utf8.count > 2 << 20)

        // The reference: the whole file parsed at once, the engine record by record.
        let parser = RecordParser(settings: Settings(), today: CalendarDate(year: 2030, month: 1, day: 1)!)
        let parsed = parser.parseFile(name: name, bytes: Array(text.utf8))
        var run = ReplayRun(settings: Settings())
        var expectedLines: [UInt8] = []
        var expectedProblems: [String] = []
        for entry in parsed.entries {
            switch entry {
            case .rejected(let rejected):
                expectedProblems.append("\(rejected.issue.line) \(rejected.issue.reason.rawValue)")
            case .record(let record):
                let step = run.ingest(record.record, canonical: record.canonical, origin: RecordOrigin(source: name, line: record.line))
                if let conflict = step.conflict { expectedProblems.append("\(conflict.line) \(conflict.reason.rawValue)") }
                if step.late { expectedProblems.append("\(record.line) late") }
                for alert in step.alerts { JSONText.appendLine(alert.journalFields, to: &expectedLines) }
            }
        }
        let summary = run.summary
        #expect(summary.duplicates > 10 && summary.lateRecords == 1 && summary.alerts > 1_000)
        #expect(brokenLine > 9_000 && expectedProblems.contains("\(brokenLine) invalid-json"))
        #expect(expectedProblems.contains { $0.hasSuffix("conflict") })

        let result = try ChildProcess.run([try BuiltExecutable.path, "replay", "--json", path], in: directory.path)
        #expect(result.status == 0)
        #expect(result.standardOutput == String(decoding: expectedLines, as: UTF8.self))

        var problems: [String] = []
        for line in result.standardError.split(separator: "\n") {
            let fields = Dictionary(
                line.split(separator: " ").compactMap { word -> (String, String)? in
                    let parts = word.split(separator: "=", maxSplits: 1)
                    return parts.count == 2 ? (String(parts[0]), String(parts[1])) : nil
                },
                uniquingKeysWith: { first, _ in first }
            )
            if let line = fields["ALLIANCE_LINE"], let reason = fields["ALLIANCE_REASON"] { problems.append("\(line) \(reason)") }
            if line.hasPrefix("5 late-record"), let line = fields["ALLIANCE_LINE"] { problems.append("\(line) late") }
        }
        #expect(problems == expectedProblems)
        let counts = "\(summary.records) records stored, \(summary.alerts) alerts, 0 files and \(expectedProblems.count - 1) records rejected, "
            + "\(summary.duplicates) duplicates skipped, 1 late records"
        #expect(result.standardError.contains("replay: 1 of 1 files read, " + counts), "\(result.standardError.suffix(300))")
    }
}
