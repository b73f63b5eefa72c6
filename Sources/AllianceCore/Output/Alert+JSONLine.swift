extension Alert {
    /// Appends the `replay --json` line of the alert: `{"NAME": "value", …}` and a line break,
    /// the fields of ``journalFields`` in order. An alert the engine raised is written straight
    /// from its draft, without building the field list and its strings first.
    public func appendJSONLine(to buffer: inout [UInt8]) {
        guard case .session(let draft, let subject, let title, let risk) = content else {
            JSONText.appendLine(journalFields, to: &buffer)
            return
        }
        let text = draft.text
        // Written into stack storage with room for the worst escapes, then appended at once.
        var strings = title.utf8.count + text.headline.utf8.count + text.detail.utf8.count
        strings += 3 * subject.client.utf8.count + 2 * (subject.clinician?.utf8.count ?? 0) + 2 * subject.episode.utf8.count
        strings += subject.recordID.utf8.count + subject.source.utf8.count + 2 * (draft.instrument?.utf8.count ?? 0)
        strings += (text.score?.utf8.count ?? 0) + (text.threshold?.utf8.count ?? 0) + (text.baseline?.utf8.count ?? 0)
        strings += (text.items?.utf8.count ?? 0) + rule.messageID.utf8.count + 2 * rule.rawValue.utf8.count
        let bound = 6 * strings + 1024
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: bound) { storage in
            var line = JSONLineWriter(storage: storage)
            line.open("MESSAGE")
            line.text(title)
            line.literal(": client ")
            line.text(subject.client)
            if let clinician = subject.clinician {
                line.literal(" (clinician ")
                line.text(clinician)
                line.literal(")")
            }
            line.literal(" session ")
            line.integer(subject.session)
            if risk { line.literal(" (substance use, low motivation)") }
            if text.headline.utf8.first == UInt8(ascii: "(") { line.literal(" ") } else { line.literal(": ") }
            line.text(text.headline)
            line.literal(". ")
            line.text(text.detail)
            line.close()
            line.field("MESSAGE_ID", rule.messageID)
            line.open("PRIORITY")
            line.integer(Int(priority.rawValue))
            line.close()
            line.open("SYSLOG_IDENTIFIER")
            line.literal("alliance-watch")
            line.close()
            line.field("ALLIANCE_RULE", rule.rawValue)
            line.open("ALLIANCE_ALERT")
            line.text(draft.rule.rawValue)
            line.literal("/")
            line.text(subject.client)
            line.literal("/")
            line.text(subject.episode)
            line.literal("/")
            if let instrument = draft.instrument { line.text(instrument) }
            line.literal("/")
            line.integer(subject.session)
            line.close()
            line.field("ALLIANCE_CLIENT", subject.client)
            if let clinician = subject.clinician { line.field("ALLIANCE_CLINICIAN", clinician) }
            line.field("ALLIANCE_EPISODE", subject.episode)
            line.open("ALLIANCE_SESSION")
            line.integer(subject.session)
            line.close()
            line.open("ALLIANCE_DATE")
            line.date(subject.date)
            line.close()
            if let value = draft.instrument { line.field("ALLIANCE_INSTRUMENT", value) }
            if let value = text.score { line.field("ALLIANCE_SCORE", value) }
            if let value = text.threshold { line.field("ALLIANCE_THRESHOLD", value) }
            if let value = text.baseline { line.field("ALLIANCE_BASELINE", value) }
            if let value = text.items { line.field("ALLIANCE_ITEMS", value) }
            if let value = draft.pattern { line.field("ALLIANCE_PATTERN", value.rawValue) }
            if risk {
                line.open("ALLIANCE_RISK")
                line.literal("sud-low-motivation")
                line.close()
            }
            line.field("ALLIANCE_RECORD", subject.recordID)
            line.field("ALLIANCE_SOURCE", subject.source)
            line.end()
            buffer.append(contentsOf: UnsafeBufferPointer(rebasing: storage[..<line.count]))
        }
    }
}

/// Writes one JSON object of string values, piece by piece, with JSON escapes, into storage
/// the caller sized for the worst case (every byte of every string escaped as `\u00XX`).
struct JSONLineWriter {
    private let storage: UnsafeMutableBufferPointer<UInt8>
    private(set) var count = 0
    private var first = true

    init(storage: UnsafeMutableBufferPointer<UInt8>) {
        self.storage = storage
        put(UInt8(ascii: "{"))
    }

    @inline(__always)
    private mutating func put(_ byte: UInt8) {
        storage[count] = byte
        count += 1
    }

    private mutating func put(_ bytes: UnsafeBufferPointer<UInt8>) {
        precondition(count + bytes.count <= storage.count, "JSON line longer than its bound")
        UnsafeMutableBufferPointer(rebasing: storage[count...]).baseAddress!.update(from: bytes.baseAddress!, count: bytes.count)
        count += bytes.count
    }

    /// Text without escapes (field names, fixed words).
    mutating func literal(_ text: StaticString) {
        put(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// Starts the member `"name": "`.
    mutating func open(_ name: StaticString) {
        if !first {
            put(UInt8(ascii: ","))
            put(UInt8(ascii: " "))
        }
        first = false
        put(UInt8(ascii: "\""))
        literal(name)
        put(UInt8(ascii: "\""))
        put(UInt8(ascii: ":"))
        put(UInt8(ascii: " "))
        put(UInt8(ascii: "\""))
    }

    mutating func close() { put(UInt8(ascii: "\"")) }

    mutating func field(_ name: StaticString, _ value: String) {
        open(name)
        text(value)
        close()
    }

    /// Part of a string value, escaped.
    mutating func text(_ value: String) {
        let done: Void? = value.utf8.withContiguousStorageIfAvailable { bytes in
            if !bytes.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) {
                put(bytes)
            } else {
                escaped(value)
            }
        }
        if done == nil { escaped(value) }
    }

    private mutating func escaped(_ value: String) {
        var quoted = JSONText.quote(value)
        quoted.withUTF8 { bytes in put(UnsafeBufferPointer(rebasing: bytes.dropFirst().dropLast())) }
    }

    mutating func integer(_ value: Int) {
        if value < 0 {
            put(UInt8(ascii: "-"))
            digits(UInt(value.magnitude), minimum: 1)
        } else {
            digits(UInt(value), minimum: 1)
        }
    }

    /// `YYYY-MM-DD`, as ``CalendarDate/description``.
    mutating func date(_ date: CalendarDate) {
        digits(UInt(date.year), minimum: 4)
        put(UInt8(ascii: "-"))
        digits(UInt(date.month), minimum: 2)
        put(UInt8(ascii: "-"))
        digits(UInt(date.day), minimum: 2)
    }

    private mutating func digits(_ value: UInt, minimum: Int) {
        // Written backwards, padded, then turned around in place.
        let start = count
        var rest = value
        repeat {
            put(UInt8(ascii: "0") + UInt8(rest % 10))
            rest /= 10
        } while rest > 0
        while count - start < minimum { put(UInt8(ascii: "0")) }
        var written = UnsafeMutableBufferPointer(rebasing: storage[start..<count])
        written.reverse()
    }

    mutating func end() {
        put(UInt8(ascii: "}"))
        put(UInt8(ascii: "\n"))
    }
}
