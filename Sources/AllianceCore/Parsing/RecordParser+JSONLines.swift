extension RecordParser {
    /// `.jsonl` / `.ndjson`: one record per line; whitespace-only lines are skipped, `\r\n`
    /// endings are accepted, and a bad line is rejected alone (SPEC §3.5). `firstLine` is the
    /// number of the buffer's first line in its file.
    func parseJSONLines(_ buffer: UnsafeBufferPointer<UInt8>, firstLine: Int, scratch: UnsafeMutableBufferPointer<UInt8>) -> ParsedFile {
        var file = ParsedFile()
        parseJSONLines(buffer, firstLine: firstLine, scratch: scratch, into: &file)
        return file
    }

    /// ``parseJSONLines(_:firstLine:scratch:)`` into any sink (`replay` lays records out its own way).
    func parseJSONLines<Sink: ParsedRecordSink>(
        _ buffer: UnsafeBufferPointer<UInt8>, firstLine: Int, scratch: UnsafeMutableBufferPointer<UInt8>, into sink: inout Sink
    ) {
        // Entries are large; growing the array by doubling would copy each several times.
        sink.reserveCapacity(ByteSearch.lineBreakCount(in: buffer) + 1)
        var parser = JSONParser()
        var lineStart = 0
        var lineNumber = firstLine - 1
        while lineStart < buffer.count {
            lineNumber += 1
            let lineEnd = ByteSearch.nextLineBreak(in: buffer, from: lineStart)
            defer { lineStart = lineEnd + 1 }
            var contentEnd = lineEnd
            if contentEnd > lineStart, buffer[contentEnd - 1] == UInt8(ascii: "\r") { contentEnd -= 1 }
            let range = lineStart..<contentEnd
            if Self.isBlank(buffer, range) { continue }

            let line = UnsafeBufferPointer(rebasing: buffer[range])
            do throws(JSONSyntaxError) {
                try parser.parse(line)
            } catch {
                let issue = RecordIssue(line: lineNumber, reason: .invalidJSON, message: error.message(column: error.offset + 1))
                sink.add(rejected: RejectedRecord(issue: issue, text: Self.text(buffer, range), sourceRange: range))
                continue
            }
            addEntry(parser, root: 0, source: line, line: lineNumber, sourceRange: range, scratch: scratch, into: &sink) { _ in
                Self.text(buffer, range)
            }
        }
    }

    private static func isBlank(_ buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        for index in range {
            switch buffer[index] {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"): continue
            default: return false
            }
        }
        return true
    }
}
