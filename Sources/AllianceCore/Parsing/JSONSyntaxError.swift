/// Why a text is not strict RFC 8259 JSON, and the byte offset where that was found.
struct JSONSyntaxError: Error, Equatable {
    /// Byte offset into the parsed text.
    var offset: Int
    /// What is wrong, without the position: `expected ',' or '}', got ']'`.
    var problem: String

    /// `… at column 12`, for a single line (the column counts bytes from 1).
    func message(column: Int) -> String { "\(problem) at column \(column)" }

    /// `… at line 3, column 12`, for a document of several lines.
    func message(in text: UnsafeBufferPointer<UInt8>) -> String {
        let position = position(in: text)
        return "\(problem) at line \(position.line), column \(position.column)"
    }

    /// The 1-based line and byte column of `offset` in `text`.
    func position(in text: UnsafeBufferPointer<UInt8>) -> (line: Int, column: Int) {
        var line = 1
        var lineStart = 0
        var index = 0
        let limit = min(offset, text.count)
        while index < limit {
            if text[index] == UInt8(ascii: "\n") {
                line += 1
                lineStart = index + 1
            }
            index += 1
        }
        return (line, offset - lineStart + 1)
    }
}
