import Testing
@testable import AllianceCore

/// Shared by the Parsing*Tests files.
enum ParsingFixture {
    /// The scenarios' README takes 2026-11-28 as today (p17's 2099 record is in the future).
    static let today = CalendarDate(year: 2026, month: 11, day: 28)!
    static let parser = RecordParser(settings: Settings(), today: today)

    static func parse(_ text: String, name: String = "test.jsonl") -> ParsedFile {
        parser.parseFile(name: name, bytes: Array(text.utf8))
    }

    /// The single entry of a one-line JSONL text.
    static func entry(_ line: String) -> ParsedEntry? {
        let file = parse(line)
        return file.entries.count == 1 ? file.entries[0] : nil
    }

    static func issue(_ line: String) -> RecordIssue? {
        if case .rejected(let rejected) = entry(line) { return rejected.issue }
        return nil
    }

    static func session(_ line: String) -> SessionRecord? {
        if case .record(let parsed) = entry(line), case .session(let record) = parsed.record { return record }
        return nil
    }

    /// A valid session line with `members` added at the end.
    static func line(_ members: String = "") -> String {
        #"{"schema": 1, "client": "C-1", "session": 1, "date": "2026-01-05", "srs": {"relationship": 9, "goals": 9, "approach": 9, "overall": 9}"#
            + (members.isEmpty ? "" : ", " + members) + "}"
    }

    static func summary(_ entry: ParsedEntry) -> String {
        switch entry {
        case .record(let record): return "\(record.line) ok"
        case .rejected(let rejected):
            return "\(rejected.issue.line) \(rejected.issue.reason.rawValue) \(rejected.issue.field ?? "-")"
        }
    }
}

@Suite struct ParsingFileTests {
    @Test(arguments: [
        ("a.json", RecordFileFormat.json), ("A.JSON", .json), ("b.jsonl", .jsonLines), ("b.JsonL", .jsonLines),
        ("c.ndjson", .jsonLines), ("d.CSV", .csv), ("dir.v2/e.csv", .csv), (".hidden.jsonl", .jsonLines),
    ])
    func extensionChoosesFormat(name: String, format: RecordFileFormat) {
        #expect(RecordFileFormat(fileName: name) == format)
    }

    @Test(arguments: [
        ("notes.txt", "'.txt' is not a supported extension; use .json, .jsonl, .ndjson or .csv"),
        ("records.json.tmp", "'.tmp' is not a supported extension; use .json, .jsonl, .ndjson or .csv"),
        ("README", "the file name has no extension; use .json, .jsonl, .ndjson or .csv"),
        ("dir.json/README", "the file name has no extension; use .json, .jsonl, .ndjson or .csv"),
    ])
    func otherExtensionsRejectTheFile(name: String, message: String) {
        let file = ParsingFixture.parse(ParsingFixture.line(), name: name)
        #expect(file.entries.isEmpty)
        #expect(file.fileRejection == RecordIssue(line: 0, reason: .unsupportedExtension, message: message))
    }

    @Test func jsonLinesSkipBlankLinesAndKeepLineNumbers() {
        let text = "\n" + ParsingFixture.line() + "\r\n   \t\r\n{\"schema\": 1,\n\n" + ParsingFixture.line(#""x-n": 2"#)
        let file = ParsingFixture.parse(text, name: "x.ndjson")
        #expect(file.fileRejection == nil)
        #expect(file.entries.map(ParsingFixture.summary) == ["2 ok", "4 invalid-json -", "6 ok"])
        #expect(file.rejected.first?.text == "{\"schema\": 1,")
        #expect(file.rejected.first?.issue.message == "unexpected end of the JSON text at column 14")
    }

    @Test func jsonLinesWithoutFinalNewlineAndCRLF() {
        let text = ParsingFixture.line() + "\r\n" + ParsingFixture.line(#""attendance": 5"#)
        let file = ParsingFixture.parse(text)
        #expect(file.entries.map(ParsingFixture.summary) == ["1 ok", "2 wrong-type attendance"])
        #expect(file.rejected.first?.text == ParsingFixture.line(#""attendance": 5"#))
        let bytes = Array(text.utf8)
        let range = file.rejected[0].sourceRange
        #expect(String(decoding: bytes[range], as: UTF8.self) == file.rejected[0].text)
    }

    @Test func aBadLineDoesNotStopTheOthers() {
        let lines = [ParsingFixture.line(), "not json", "[]", ParsingFixture.line(#""session": 2"#).replacing("\"session\": 1, ", with: "", maxReplacements: 1), "\u{FEFF}" + ParsingFixture.line()]
        let file = ParsingFixture.parse(lines.joined(separator: "\n"))
        #expect(file.entries.map(ParsingFixture.summary) == ["1 ok", "2 invalid-json -", "3 wrong-type -", "4 ok", "5 invalid-json -"])
        #expect(file.rejected[0].issue.message == "'not' is not a JSON value at column 1")
        #expect(file.rejected[1].issue.message == "expected a record object, got an array")
        #expect(file.rejected[2].issue.message == "the text starts with a byte order mark; save it as UTF-8 without BOM at column 1")
    }

    @Test func invalidUTF8RejectsOnlyItsLine() {
        var bytes = Array(ParsingFixture.line(#""x-note": "ab""#).utf8)
        let quote = bytes.lastIndex(of: UInt8(ascii: "b"))!
        bytes[quote] = 0xFF
        let file = ParsingFixture.parser.parseFile(name: "u.jsonl", bytes: Array(ParsingFixture.line().utf8) + [0x0A] + bytes)
        #expect(file.entries.map(ParsingFixture.summary) == ["1 ok", "2 invalid-json -"])
        #expect(file.rejected[0].issue.message == "invalid UTF-8 byte 0xFF at column \(quote + 1)")
        #expect(file.rejected[0].text.contains("\u{FFFD}"))
    }

    @Test func emptyJSONLinesFileHasNoEntries() {
        let file = ParsingFixture.parse("\n  \n")
        #expect(file.entries.isEmpty)
        #expect(file.fileRejection == nil)
    }

    @Test func jsonDocumentWithOneObjectIsLineOne() {
        let file = ParsingFixture.parse("\n  " + ParsingFixture.line(#""session": "2""#).replacing("\"session\": 1, ", with: "", maxReplacements: 1) + "\n", name: "one.json")
        #expect(file.entries.map(ParsingFixture.summary) == ["1 wrong-type session"])
        #expect(file.rejected[0].text.hasPrefix(#"{"schema":1,"client":"C-1","date":"2026-01-05""#))
    }

    @Test func jsonArrayElementsAreNumberedFromOne() {
        let text = "[\n" + [
            ParsingFixture.line(), "42", ParsingFixture.line(#""markers": ["shouting"]"#),
            "{\n  \"schema\": 1,\n  \"x-note\": \"a  b\"\n}",
        ].joined(separator: ",\n") + "\n]"
        let file = ParsingFixture.parse(text, name: "many.json")
        #expect(file.fileRejection == nil)
        #expect(file.entries.map(ParsingFixture.summary) == ["1 ok", "2 wrong-type -", "3 unknown-marker markers[0]", "4 missing-field client"])
        #expect(file.rejected[0].issue.message == "expected a record object, got 42")
        // Whitespace between tokens goes; whitespace inside strings stays.
        #expect(file.rejected[2].text == #"{"schema":1,"x-note":"a  b"}"#)
        let bytes = Array(text.utf8)
        #expect(String(decoding: bytes[file.rejected[2].sourceRange], as: UTF8.self) == "{\n  \"schema\": 1,\n  \"x-note\": \"a  b\"\n}")
    }

    @Test func emptyJSONArrayHasNoEntries() {
        let file = ParsingFixture.parse(" [ ] ", name: "empty.json")
        #expect(file.entries.isEmpty)
        #expect(file.fileRejection == nil)
    }

    @Test(arguments: [
        ("", RecordIssue(line: 1, reason: .invalidJSON, message: "the text is empty at line 1, column 1")),
        ("\"text\"", RecordIssue(line: 1, reason: .invalidJSON, message: "expected a record object or an array of records, got a string")),
        ("12", RecordIssue(line: 1, reason: .invalidJSON, message: "expected a record object or an array of records, got a number")),
        ("null", RecordIssue(line: 1, reason: .invalidJSON, message: "expected a record object or an array of records, got 'null'")),
        ("[\n{\"schema\": 1},\n{\"schema\": 1, \"schema\": 1}\n]", RecordIssue(line: 3, reason: .invalidJSON, message: "duplicate key 'schema' at line 3, column 15")),
        ("[\n{\"schema\": 1},\n]", RecordIssue(line: 3, reason: .invalidJSON, message: "trailing comma before ']' at line 3, column 1")),
        ("{\"schema\": 1}\n{\"schema\": 1}", RecordIssue(line: 2, reason: .invalidJSON, message: "unexpected '{' after the JSON value at line 2, column 1")),
    ])
    func unparseableJSONDocumentRejectsTheFile(text: String, issue: RecordIssue) {
        let file = ParsingFixture.parse(text, name: "bad.json")
        #expect(file.entries.isEmpty)
        #expect(file.fileRejection == issue)
    }

    @Test func tooLargeNumberInAnArrayRejectsOnlyItsElement() {
        let file = ParsingFixture.parse("[" + ParsingFixture.line(#""x-big": [1, 2e400]"#) + "," + ParsingFixture.line() + "]", name: "big.json")
        #expect(file.fileRejection == nil)
        #expect(file.entries.map(ParsingFixture.summary) == ["1 out-of-range x-big[1]", "2 ok"])
        #expect(file.rejected[0].issue.message == "2e400 is too large to represent")
    }
}

@Suite struct ParsingByteSearchTests {
    @Test func lineBreaksAreFoundAtEveryAlignment() {
        for length in 0..<40 {
            for breakAt in 0...length {
                var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: length)
                if breakAt < length { bytes[breakAt] = UInt8(ascii: "\n") }
                // Bytes that differ from '\n' by one bit or by a borrow must not match.
                if length > 2 { bytes[0] = breakAt == 0 ? bytes[0] : 0x0B }
                if length > 3, breakAt != 1 { bytes[1] = 0x8A }
                let found = bytes.withUnsafeBufferPointer { ByteSearch.nextLineBreak(in: $0, from: 0) }
                #expect(found == breakAt, "length \(length), break at \(breakAt)")
            }
        }
    }

    @Test func searchStartsWhereAsked() {
        let bytes = Array("ab\ncd\n\nefghijklmnopqrstuvwxyz\n".utf8)
        let breaks = bytes.withUnsafeBufferPointer { buffer in
            var found: [Int] = []
            var index = ByteSearch.nextLineBreak(in: buffer, from: 0)
            while index < buffer.count {
                found.append(index)
                index = ByteSearch.nextLineBreak(in: buffer, from: index + 1)
            }
            return found
        }
        #expect(breaks == [2, 5, 6, 29])
    }
}
