extension RecordParser {
    /// `.json`: one record object (line 1) or an array of records (line = the element's
    /// 1-based position). A text that is not strict JSON, or any other value, rejects the file.
    func parseJSONDocument(_ buffer: UnsafeBufferPointer<UInt8>) -> ParsedFile {
        var parser = JSONParser()
        do throws(JSONSyntaxError) {
            try parser.parse(buffer)
        } catch {
            let position = error.position(in: buffer)
            return ParsedFile(fileRejection: RecordIssue(line: position.line, reason: .invalidJSON, message: error.message(in: buffer)))
        }
        let root = parser.nodes[0]
        switch root.kind {
        case .object:
            let range = root.start..<root.end
            return ParsedFile(entries: [entry(parser, root: 0, source: buffer, line: 1, sourceRange: range) { $0.compactText(0) }])
        case .array:
            var entries: [ParsedEntry] = []
            entries.reserveCapacity(root.count)
            var element = 1
            for position in 0..<root.count {
                let node = parser.nodes[element]
                let index = element
                entries.append(entry(parser, root: index, source: buffer, line: position + 1, sourceRange: node.start..<node.end) {
                    $0.compactText(index)
                })
                element = node.next
            }
            return ParsedFile(entries: entries)
        default:
            let kind = root.kind == .string ? "a string" : root.kind == .number ? "a number" : "'\(Self.text(buffer, root.start..<root.end))'"
            return ParsedFile(fileRejection: RecordIssue(line: 1, reason: .invalidJSON, message: "expected a record object or an array of records, got \(kind)"))
        }
    }
}
