/// Keys and single values: the building blocks of ``RecordValidator``.
extension RecordValidator {
    /// The key at `key` among `Key`'s cases; nil for an ignored `x-` key; unknown keys throw.
    @inline(__always)
    func knownKey<Key: RecordKeySet>(_ tape: JSONTape, _ key: Int, _: Key.Type, prefix: @autoclosure () -> String) throws(RecordProblem) -> Key? {
        let readable = tape.source.count - tape[key].start - 1
        let found: Int? = tape.withBytes(ofString: key) { bytes in
            let escaped = tape[key].flags.contains(.hasEscapes)
            if let index = Key.table.index(of: bytes, readable: escaped ? 0 : readable) { return index }
            if bytes.count >= 2, bytes[0] == UInt8(ascii: "x"), bytes[1] == UInt8(ascii: "-") { return -1 }
            return nil
        }
        guard let found else {
            let name = tape.string(key)
            throw RecordProblem(reason: .unknownField, field: prefix() + name, message: "\(IssueText.quoted(name)) is not a known field")
        }
        return found >= 0 ? Key(rawValue: found) : nil
    }

    /// Whether the key at `key` is `name`.
    @inline(__always)
    func isKey(_ tape: JSONTape, _ key: Int, _ name: StaticString) -> Bool {
        let node = tape[key]
        // Most keys differ in length: rule them out before looking at bytes.
        if !node.flags.contains(.hasEscapes), node.end - node.start - 2 != name.utf8CodeUnitCount { return false }
        return tape.withBytes(ofString: key) { bytes in
            JSONTape.equal(bytes, UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
        }
    }

    func missingField(_ path: String) -> RecordProblem {
        let name = path.split(separator: ".").last.map(String.init) ?? path
        return RecordProblem(reason: .missingField, field: path, message: "required field '\(name)' is missing")
    }

    func wrongType(_ expected: String, _ tape: JSONTape, _ value: Int, path: String) -> RecordProblem {
        RecordProblem(reason: .wrongType, field: path, message: "expected \(expected), got \(IssueText.describe(tape, value))")
    }

    /// A number in `range`; `shown` is the range as messages print it (`0…10`).
    @inline(__always)
    func number(_ tape: JSONTape, _ value: Int, in range: ClosedRange<Double>, shown: String, path: @autoclosure () -> String) throws(RecordProblem) -> Double {
        let node = tape[value]
        guard node.kind == .number else { throw wrongType("a number", tape, value, path: path()) }
        guard range.contains(node.number) else { throw outOfRange(tape, value, shown: shown, path: path()) }
        return node.number
    }

    /// A JSON integer (no fraction, no exponent) in `range`.
    @inline(__always)
    func integer(_ tape: JSONTape, _ value: Int, in range: ClosedRange<Int>, shown: String, path: @autoclosure () -> String) throws(RecordProblem) -> Int {
        let node = tape[value]
        guard node.kind == .number, node.flags.contains(.isInteger) else {
            throw wrongType("an integer", tape, value, path: path())
        }
        guard node.number >= Double(range.lowerBound), node.number <= Double(range.upperBound) else {
            throw outOfRange(tape, value, shown: shown, path: path())
        }
        return Int(node.number)
    }

    private func outOfRange(_ tape: JSONTape, _ value: Int, shown: String, path: String) -> RecordProblem {
        RecordProblem(reason: .outOfRange, field: path, message: "\(IssueText.literal(tape.text(value))) is out of range \(shown)")
    }

    func boolean(_ tape: JSONTape, _ value: Int, path: @autoclosure () -> String) throws(RecordProblem) -> Bool {
        guard tape[value].kind == .bool else { throw wrongType("true or false", tape, value, path: path()) }
        return tape[value].flags.contains(.isTrue)
    }

    func string(_ tape: JSONTape, _ value: Int, path: @autoclosure () -> String) throws(RecordProblem) -> String {
        guard tape[value].kind == .string else { throw wrongType("a string", tape, value, path: path()) }
        return tape.string(value)
    }

    /// `client`, `clinician`, `episode`: `^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$`.
    ///
    /// The value is not repeated in the message: a bad client id is often a real name, and
    /// messages go to the journal.
    func pseudonym(_ tape: JSONTape, _ value: Int, path: String) throws(RecordProblem) -> String {
        guard tape[value].kind == .string else { throw wrongType("a string", tape, value, path: path) }
        let matches = tape.withBytes(ofString: value) { bytes -> Bool in
            guard (1...64).contains(bytes.count), Self.isAlphanumeric(bytes[0]) else { return false }
            for byte in bytes.dropFirst() {
                guard Self.isAlphanumeric(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_")
                    || byte == UInt8(ascii: ":") || byte == UInt8(ascii: "-")
                else { return false }
            }
            return true
        }
        guard matches else {
            throw RecordProblem(reason: .invalidFormat, field: path, message: "expected 1–64 letters, digits, '.', '_', ':' or '-', starting with a letter or digit")
        }
        return tape.string(value)
    }

    /// `id`: 1–128 characters in U+0021–U+007E. Not repeated in the message, like a client id.
    func recordID(_ tape: JSONTape, _ value: Int, path: String) throws(RecordProblem) -> String {
        guard tape[value].kind == .string else { throw wrongType("a string", tape, value, path: path) }
        let matches = tape.withBytes(ofString: value) { bytes -> Bool in
            (1...128).contains(bytes.count) && bytes.allSatisfy { (0x21...0x7E).contains($0) }
        }
        guard matches else {
            throw RecordProblem(reason: .invalidFormat, field: path, message: "expected 1–128 printable ASCII characters without spaces")
        }
        return tape.string(value)
    }

    func date(_ tape: JSONTape, _ value: Int) throws(RecordProblem) -> (value: CalendarDate, text: String) {
        guard tape[value].kind == .string else { throw wrongType("a string", tape, value, path: "date") }
        let parsed = tape.withBytes(ofString: value) { RFC3339Date.parse($0) }
        let text = tape.string(value)
        let problem: String
        switch parsed {
        case .date(let date): return (date, text)
        case .notRFC3339: problem = "is not an RFC 3339 date such as 2026-11-20 or 2026-11-20T14:30:00+01:00"
        case .notARealDate: problem = "is not a real calendar date"
        case .notARealTime: problem = "has an impossible time of day or offset"
        }
        throw RecordProblem(reason: .invalidFormat, field: "date", message: "\(IssueText.quoted(text)) \(problem)")
    }

    func attendance(_ tape: JSONTape, _ value: Int) throws(RecordProblem) -> Attendance {
        let text = try string(tape, value, path: "attendance")
        guard let attendance = Attendance(rawValue: text) else {
            throw RecordProblem(reason: .outOfRange, field: "attendance", message: "\(IssueText.quoted(text)) is not one of attended, no-show, cancelled-client, cancelled-service")
        }
        return attendance
    }

    /// Observer codes, each from a family of `[markers]` (SPEC §3.4).
    func markers(_ tape: JSONTape, _ value: Int) throws(RecordProblem) -> [String] {
        guard tape[value].kind == .array else { throw wrongType("an array", tape, value, path: "markers") }
        var markers: [String] = []
        markers.reserveCapacity(tape[value].count)
        var item = tape.firstChild(value)
        for index in 0..<tape[value].count {
            let marker = try string(tape, item, path: "markers[\(index)]")
            let isKnown = tape.withBytes(ofString: item) { markerTable.index(of: $0) != nil }
            // Byte equality decides for ASCII codes; `String` equality (canonical equivalence,
            // as `Settings.Markers.isKnown` uses) for the rest.
            guard isKnown || (!marker.utf8.allSatisfy { $0 < 0x80 } && markerSettings.isKnown(marker)) else {
                throw RecordProblem(reason: .unknownMarker, field: "markers[\(index)]", message: "\(IssueText.quoted(marker)) is not a known marker")
            }
            markers.append(marker)
            item = tape[item].next
        }
        return markers
    }

    /// A list of strings (`diagnoses`).
    func diagnoses(_ tape: JSONTape, _ value: Int, path: String) throws(RecordProblem) -> [String] {
        guard tape[value].kind == .array else { throw wrongType("an array", tape, value, path: path) }
        var codes: [String] = []
        codes.reserveCapacity(tape[value].count)
        var item = tape.firstChild(value)
        for index in 0..<tape[value].count {
            codes.append(try string(tape, item, path: "\(path)[\(index)]"))
            item = tape[item].next
        }
        return codes
    }

    /// The first number in the subtree at `index` that is too large for a double, as a problem
    /// with its path.
    func firstTooLargeNumber(_ tape: JSONTape, _ index: Int, path: String) -> RecordProblem? {
        let node = tape[index]
        switch node.kind {
        case .number where node.flags.contains(.isTooLarge):
            return RecordProblem(reason: .outOfRange, field: path.isEmpty ? nil : path, message: "\(IssueText.literal(tape.text(index))) is too large to represent")
        case .object:
            var key = tape.firstChild(index)
            for _ in 0..<node.count {
                let name = tape.string(key)
                if let problem = firstTooLargeNumber(tape, key + 1, path: path.isEmpty ? name : path + "." + name) { return problem }
                key = tape.nextMember(afterKey: key)
            }
        case .array:
            var item = tape.firstChild(index)
            for position in 0..<node.count {
                if let problem = firstTooLargeNumber(tape, item, path: "\(path)[\(position)]") { return problem }
                item = tape[item].next
            }
        default:
            break
        }
        return nil
    }

    @inline(__always)
    static func isAlphanumeric(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): return true
        default: return false
        }
    }
}
