/// The header row of a rating CSV file: which column fills which field (SPEC §3.3).
struct CSVHeader {
    /// The columns in header order.
    let columns: [CSVColumn]
    /// The position of each named column.
    let positions: [CSVColumn: Int]

    /// Checks the header's names: `client`, `session` and `date` present, every other name
    /// known or beginning with `x-`, none twice. Throws a `bad-csv-header` problem.
    init(cells: [CSVReader.Cell], in bytes: UnsafeBufferPointer<UInt8>) throws(RecordProblem) {
        var columns: [CSVColumn] = []
        var positions: [CSVColumn: Int] = [:]
        var seen: Set<String> = []
        for (index, cell) in cells.enumerated() {
            let name = String(decoding: CSVReader.content(of: cell, in: bytes), as: UTF8.self)
            guard !name.isEmpty else { throw Self.problem("column \(index + 1) has no name") }
            guard seen.insert(name).inserted else { throw Self.problem("column \(IssueText.quoted(name)) appears twice") }
            if name.hasPrefix("x-") {
                columns.append(.ignored)
                continue
            }
            guard let column = CSVColumn.byName[name] else {
                throw Self.problem("\(IssueText.quoted(name)) is not a known column")
            }
            columns.append(column)
            positions[column] = index
        }
        for required in ["client", "session", "date"] where positions[CSVColumn.byName[required]!] == nil {
            throw Self.problem("the header has no '\(required)' column")
        }
        self.columns = columns
        self.positions = positions
    }

    static func problem(_ message: String) -> RecordProblem {
        RecordProblem(reason: .badCSVHeader, field: nil, message: message)
    }
}
