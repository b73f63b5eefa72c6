/// Turns the bytes of a rating file into validated records (SPEC §2, §3, §3.5).
///
/// Pure: the caller reads the file and passes today's date, which decides `future-date`.
public struct RecordParser: Sendable {
    let validator: RecordValidator
    /// Whether ``ParsedRecord/canonical`` keeps the canonical text (the daemon stores it) or is
    /// left empty once the fingerprint is made (`replay` needs only the fingerprint).
    public var keepsCanonical = true

    /// A record dated after `today` + 1 day is rejected as `future-date`.
    public init(settings: Settings, today: CalendarDate) {
        validator = RecordValidator(settings: settings, today: today)
    }

    /// Parses a file in the format its name's extension (case-insensitive) names: `.json`,
    /// `.jsonl`, `.ndjson` or `.csv`; any other name is a file rejection,
    /// `unsupported-extension`.
    public func parseFile(name: String, bytes: [UInt8]) -> ParsedFile {
        guard let format = RecordFileFormat(fileName: name) else {
            let fileExtension = RecordFileFormat.fileExtension(of: name)
            let what = fileExtension.isEmpty ? "the file name has no extension" : "\(IssueText.quoted("." + fileExtension)) is not a supported extension"
            return ParsedFile(fileRejection: RecordIssue(line: 0, reason: .unsupportedExtension, message: "\(what); use .json, .jsonl, .ndjson or .csv"))
        }
        return parse(bytes, as: format)
    }

    /// Parses `bytes` as a file of `format`.
    public func parse(_ bytes: [UInt8], as format: RecordFileFormat) -> ParsedFile {
        parse(bytes, as: format, firstLine: 1)
    }

    /// Parses a piece of a JSON-lines file that starts on line `firstLine` of the file.
    public func parseJSONLines(_ bytes: [UInt8], firstLine: Int) -> ParsedFile {
        parse(bytes, as: .jsonLines, firstLine: firstLine)
    }

    /// ``parseJSONLines(_:firstLine:)`` into any sink.
    func parseJSONLines<Sink: ParsedRecordSink>(_ bytes: [UInt8], firstLine: Int, into sink: inout Sink) {
        let scratch = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: CanonicalJSONWriter.scratchCapacity)
        defer { scratch.deallocate() }
        bytes.withUnsafeBufferPointer { buffer in
            parseJSONLines(buffer, firstLine: firstLine, scratch: scratch, into: &sink)
        }
    }

    private func parse(_ bytes: [UInt8], as format: RecordFileFormat, firstLine: Int) -> ParsedFile {
        // Storage for writing each record's canonical form, reused across the file's records.
        let scratch = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: CanonicalJSONWriter.scratchCapacity)
        defer { scratch.deallocate() }
        return bytes.withUnsafeBufferPointer { buffer in
            switch format {
            case .jsonLines: return parseJSONLines(buffer, firstLine: firstLine, scratch: scratch)
            case .json: return parseJSONDocument(buffer, scratch: scratch)
            case .csv: return parseCSV(buffer, scratch: scratch)
            }
        }
    }

    /// The entry for the record at `root` of the parser's last text; `scratch` as for
    /// ``RecordValidator/parsedRecord(_:root:mayHaveTooLargeNumbers:scratch:)``.
    func entry(
        _ parser: JSONParser, root: Int, source: UnsafeBufferPointer<UInt8>, line: Int,
        sourceRange: Range<Int>, scratch: UnsafeMutableBufferPointer<UInt8>, rejectedText: (JSONTape) -> String
    ) -> ParsedEntry {
        var file = ParsedFile()
        addEntry(parser, root: root, source: source, line: line, sourceRange: sourceRange, scratch: scratch, into: &file, rejectedText: rejectedText)
        return file.entries[0]
    }

    /// Adds the record at `root` of the parser's last text to `sink`, valid or rejected.
    func addEntry<Sink: ParsedRecordSink>(
        _ parser: JSONParser, root: Int, source: UnsafeBufferPointer<UInt8>, line: Int,
        sourceRange: Range<Int>, scratch: UnsafeMutableBufferPointer<UInt8>, into sink: inout Sink,
        rejectedText: (JSONTape) -> String
    ) {
        parser.nodes.withUnsafeBufferPointer { nodes in
            let tape = JSONTape(nodes: nodes, source: source)
            do throws(RecordProblem) {
                let (record, canonical, fingerprint) = try validator.parsedRecord(
                    tape, root: root, mayHaveTooLargeNumbers: parser.hasTooLargeNumber, scratch: scratch, keepsCanonical: keepsCanonical
                )
                sink.add(record: record, line: line, canonical: canonical, fingerprint: fingerprint, sourceRange: sourceRange)
            } catch {
                sink.add(rejected: RejectedRecord(issue: error.issue(line: line), text: rejectedText(tape), sourceRange: sourceRange))
            }
        }
    }

    static func text(_ buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: buffer[range]), as: UTF8.self)
    }
}
