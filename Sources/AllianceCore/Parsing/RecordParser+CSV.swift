extension RecordParser {
    /// `.csv` (SPEC §3.3): a header row, then one session record per row. A bad header rejects
    /// the file; a bad row is rejected alone. Blank rows (every cell empty) are skipped.
    func parseCSV(_ buffer: UnsafeBufferPointer<UInt8>, scratch: UnsafeMutableBufferPointer<UInt8>) -> ParsedFile {
        var reader = CSVReader(buffer)
        var cells: [CSVReader.Cell] = []

        // The first row that is not blank is the header.
        var header: CSVHeader?
        while header == nil, let row = reader.nextRow(cells: &cells) {
            switch Self.status(of: row, cells: cells, in: buffer) {
            case .blank: continue
            case .malformed(let problem): return Self.headerRejection(problem, line: row.line)
            case .wellFormed: break
            }
            do throws(RecordProblem) {
                header = try CSVHeader(cells: cells, in: buffer)
            } catch {
                return ParsedFile(fileRejection: error.issue(line: row.line))
            }
        }
        guard let header else { return Self.headerRejection("the file has no header row", line: 1) }

        var translator = CSVRowTranslator(header: header)
        var parser = JSONParser()
        var entries: [ParsedEntry] = []
        while let row = reader.nextRow(cells: &cells) {
            switch Self.status(of: row, cells: cells, in: buffer) {
            case .blank: continue
            case .malformed(let problem):
                entries.append(rejected(.badCSVRow, problem, row: row, in: buffer))
                continue
            case .wellFormed: break
            }
            if cells.count > header.columns.count {
                let problem = "the row has \(cells.count) cells but the header has \(header.columns.count) columns"
                entries.append(rejected(.badCSVRow, problem, row: row, in: buffer))
                continue
            }
            do throws(RecordProblem) {
                try translator.translate(cells: cells, in: buffer)
            } catch {
                entries.append(.rejected(RejectedRecord(issue: error.issue(line: row.line), text: Self.text(buffer, row.range), sourceRange: row.range)))
                continue
            }
            let entry = translator.json.withUnsafeBufferPointer { json -> ParsedEntry in
                do throws(JSONSyntaxError) {
                    try parser.parse(json)
                } catch {
                    // Not reachable with well-formed rows: the translator escapes every cell.
                    return rejected(.badCSVRow, "the row cannot be read as a record (\(error.message(column: error.offset + 1)))", row: row, in: buffer)
                }
                return self.entry(parser, root: 0, source: json, line: row.line, sourceRange: row.range, scratch: scratch) { _ in
                    Self.text(buffer, row.range)
                }
            }
            entries.append(entry)
        }
        return ParsedFile(entries: entries)
    }

    private enum RowStatus {
        /// Every cell empty: skipped.
        case blank
        /// Not well-formed CSV or not UTF-8.
        case malformed(String)
        case wellFormed
    }

    private static func status(of row: CSVReader.Row, cells: [CSVReader.Cell], in buffer: UnsafeBufferPointer<UInt8>) -> RowStatus {
        if row.problem == nil, cells.allSatisfy(\.isEmpty) { return .blank }
        if let invalid = UTF8Validation.firstInvalidOffset(in: buffer, range: row.range) {
            return .malformed("byte \(invalid - row.range.lowerBound + 1) of the row is not valid UTF-8")
        }
        if let problem = row.problem { return .malformed(problem) }
        return .wellFormed
    }

    private func rejected(_ reason: RejectionReason, _ message: String, row: CSVReader.Row, in buffer: UnsafeBufferPointer<UInt8>) -> ParsedEntry {
        let issue = RecordIssue(line: row.line, reason: reason, message: message)
        return .rejected(RejectedRecord(issue: issue, text: Self.text(buffer, row.range), sourceRange: row.range))
    }

    private static func headerRejection(_ message: String, line: Int) -> ParsedFile {
        ParsedFile(fileRejection: RecordIssue(line: line, reason: .badCSVHeader, message: message))
    }
}
