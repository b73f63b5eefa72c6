/// Splits CSV bytes into rows and trimmed cells with RFC 4180 quoting (SPEC §3.3).
///
/// A quoted cell may hold commas, doubled quotes and line breaks; a row ends at a line break
/// outside quotes (`\n` or `\r\n`). Cells are trimmed of spaces and tabs, inside the quotes as
/// well. A malformed row is still returned whole, with a `problem`, so that the next row can be
/// read.
struct CSVReader {
    /// One cell's content: the trimmed bytes, inside the quotes for a quoted cell.
    struct Cell {
        var start: Int
        var end: Int
        /// Contains `""` pairs that stand for one `"` each.
        var hasDoubledQuotes: Bool

        var isEmpty: Bool { start == end }
    }

    struct Row {
        /// The row's bytes without its line break.
        var range: Range<Int>
        /// The 1-based line on which the row ends.
        var line: Int
        /// Why the row is not well-formed CSV, if it is not.
        var problem: String?
    }

    private let bytes: UnsafeBufferPointer<UInt8>
    private var position: Int
    private var line = 1

    /// Reads `bytes`, skipping a leading UTF-8 byte order mark.
    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
        let hasBOM = bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF
        position = hasBOM ? 3 : 0
    }

    /// The next row, its cells in `cells`; nil at the end of the bytes.
    mutating func nextRow(cells: inout [Cell]) -> Row? {
        guard position < bytes.count else { return nil }
        cells.removeAll(keepingCapacity: true)
        let rowStart = position
        var problem: String?
        while true {
            skipBlanks()
            if position < bytes.count, bytes[position] == UInt8(ascii: "\"") {
                let quoteLine = line
                guard let cell = readQuotedCell() else {
                    // The row runs to the end of the bytes; a final line break is not part of it.
                    var end = bytes.count
                    var endLine = line
                    if bytes[end - 1] == UInt8(ascii: "\n") {
                        end -= 1
                        endLine -= 1
                        if end > rowStart, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                    }
                    problem = "the quoted cell \(cells.count + 1) opened on line \(quoteLine) is never closed"
                    return Row(range: rowStart..<end, line: endLine, problem: problem)
                }
                cells.append(cell)
                skipBlanks()
                if position < bytes.count, bytes[position] == UInt8(ascii: "\r"),
                   position + 1 == bytes.count || bytes[position + 1] == UInt8(ascii: "\n") {
                    position += 1
                }
                if position < bytes.count, bytes[position] != UInt8(ascii: ","), bytes[position] != UInt8(ascii: "\n") {
                    problem = problem ?? "cell \(cells.count) has text after its closing quote"
                    skipToLineEnd()
                }
            } else {
                let start = position
                while position < bytes.count, bytes[position] != UInt8(ascii: ","), bytes[position] != UInt8(ascii: "\n") {
                    if bytes[position] == UInt8(ascii: "\""), problem == nil {
                        problem = "cell \(cells.count + 1) has a '\"' but is not quoted; quote the cell and double the '\"'"
                    }
                    position += 1
                }
                cells.append(trimmed(start, position))
            }
            if position < bytes.count, bytes[position] == UInt8(ascii: ",") {
                position += 1
                continue
            }
            // End of the row: a line break or the end of the bytes.
            var end = position
            if end > rowStart, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
            let row = Row(range: rowStart..<end, line: line, problem: problem)
            if position < bytes.count {
                position += 1
                line += 1
            }
            return row
        }
    }

    /// Reads a quoted cell starting at the opening quote; nil when it is never closed.
    private mutating func readQuotedCell() -> Cell? {
        position += 1
        let start = position
        var hasDoubledQuotes = false
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                if position + 1 < bytes.count, bytes[position + 1] == UInt8(ascii: "\"") {
                    hasDoubledQuotes = true
                    position += 2
                    continue
                }
                var cell = trimmed(start, position)
                cell.hasDoubledQuotes = hasDoubledQuotes
                position += 1
                return cell
            }
            if byte == UInt8(ascii: "\n") { line += 1 }
            position += 1
        }
        return nil
    }

    private mutating func skipBlanks() {
        while position < bytes.count, bytes[position] == UInt8(ascii: " ") || bytes[position] == UInt8(ascii: "\t") {
            position += 1
        }
    }

    private mutating func skipToLineEnd() {
        while position < bytes.count, bytes[position] != UInt8(ascii: "\n") { position += 1 }
    }

    private func trimmed(_ start: Int, _ end: Int) -> Cell {
        var start = start
        var end = end
        while start < end, Self.isBlank(bytes[start]) { start += 1 }
        while end > start, Self.isBlank(bytes[end - 1]) { end -= 1 }
        return Cell(start: start, end: end, hasDoubledQuotes: false)
    }

    /// Whitespace that trimming removes: space, tab and line breaks (a quoted cell may hold them).
    static func isBlank(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\n")
    }

    /// A cell's value, with each `""` turned into `"`.
    static func content(of cell: Cell, in bytes: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        let raw = bytes[cell.start..<cell.end]
        guard cell.hasDoubledQuotes else { return Array(raw) }
        var value: [UInt8] = []
        value.reserveCapacity(raw.count)
        var skipNextQuote = false
        for byte in raw {
            if byte == UInt8(ascii: "\"") {
                if skipNextQuote {
                    skipNextQuote = false
                    continue
                }
                skipNextQuote = true
            }
            value.append(byte)
        }
        return value
    }
}
