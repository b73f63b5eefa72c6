import AllianceCore

/// One libFuzzer input for the record parser (SPEC §2, §3, §3.5).
///
/// The first byte chooses how the rest is parsed: bits 0-1 pick the format (0 JSON document,
/// 1 JSON lines, 2 CSV, 3 a JSON-lines piece that starts on line 1,000, as the daemon reads a
/// growing file), bit 2 drops the canonical text (as `replay` does). `today` is fixed, so a
/// run is reproducible, and nothing is written anywhere.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data, size > 0 else { return 0 }
    let selector = data[0]
    let bytes = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    var parser = RecordParser(settings: Settings(), today: fuzzToday)
    parser.keepsCanonical = selector & 0b100 == 0
    let parsed: ParsedFile
    switch selector & 0b11 {
    case 0: parsed = parser.parse(bytes, as: .json)
    case 1: parsed = parser.parse(bytes, as: .jsonLines)
    case 2: parsed = parser.parse(bytes, as: .csv)
    default: parsed = parser.parseJSONLines(bytes, firstLine: 1000)
    }
    check(parsed, bytes: bytes)
    return 0
}

private let fuzzToday = CalendarDate(year: 2026, month: 12, day: 6)!

/// Properties every parse must keep, whatever the input: a file rejection has no entries,
/// entries are in file order, and every source range lies inside the bytes.
private func check(_ parsed: ParsedFile, bytes: [UInt8]) {
    if parsed.fileRejection != nil, !parsed.entries.isEmpty {
        fatalError("a rejected file has \(parsed.entries.count) entries")
    }
    var previousLine = Int.min
    for entry in parsed.entries {
        guard entry.line >= previousLine else { fatalError("entry line \(entry.line) after line \(previousLine)") }
        previousLine = entry.line
        let range: Range<Int>
        switch entry {
        case .record(let record):
            range = record.sourceRange
            _ = record.text(in: bytes)
        case .rejected(let rejected):
            range = rejected.sourceRange
        }
        guard range.lowerBound >= 0, range.upperBound <= bytes.count else {
            fatalError("source range \(range) outside \(bytes.count) bytes")
        }
    }
}
