extension RecordParser {
    /// `.json`: one record object (line 1) or an array of records (line = the element's
    /// 1-based position). A text that is not strict JSON, or any other value, rejects the file.
    func parseJSONDocument(_ buffer: UnsafeBufferPointer<UInt8>, scratch: UnsafeMutableBufferPointer<UInt8>) -> ParsedFile {
        var parser = JSONParser()
        var entries: [ParsedEntry] = []
        let isArray: Bool
        do throws(JSONSyntaxError) {
            isArray = try parser.parseArrayElements(buffer) { elementParser in
                let node = elementParser.nodes[0]
                entries.append(entry(elementParser, root: 0, source: buffer, line: entries.count + 1, sourceRange: node.start..<node.end, scratch: scratch) {
                    $0.compactText(0)
                })
            }
        } catch {
            let position = error.position(in: buffer)
            return ParsedFile(fileRejection: RecordIssue(line: position.line, reason: .invalidJSON, message: error.message(in: buffer)))
        }
        if isArray { return ParsedFile(entries: entries) }

        let root = parser.nodes[0]
        switch root.kind {
        case .object:
            return ParsedFile(entries: [entry(parser, root: 0, source: buffer, line: 1, sourceRange: root.start..<root.end, scratch: scratch) { $0.compactText(0) }])
        default:
            let kind = root.kind == .string ? "a string" : root.kind == .number ? "a number" : "'\(Self.text(buffer, root.start..<root.end))'"
            return ParsedFile(fileRejection: RecordIssue(line: 1, reason: .invalidJSON, message: "expected a record object or an array of records, got \(kind)"))
        }
    }
}
