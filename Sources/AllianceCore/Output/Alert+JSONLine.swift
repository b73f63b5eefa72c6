extension Alert {
    /// Appends the `replay --json` line of the alert: `{"NAME": "value", …}` and a line break,
    /// the fields of ``journalFields`` in order. An alert the engine raised is written straight
    /// from its draft, without building the field list and its strings first.
    public func appendJSONLine(to buffer: inout [UInt8]) {
        guard case .session(let draft, let subject, let title, let risk) = content else {
            JSONText.appendLine(journalFields, to: &buffer)
            return
        }
        var line = JSONLineWriter(buffer: buffer)
        buffer = []
        line.open("MESSAGE")
        line.text(title)
        line.text(": client ")
        line.text(subject.client)
        if let clinician = subject.clinician {
            line.text(" (clinician ")
            line.text(clinician)
            line.text(")")
        }
        line.text(" session ")
        line.integer(subject.session)
        if risk { line.text(" (substance use, low motivation)") }
        line.text(draft.headline.utf8.first == UInt8(ascii: "(") ? " " : ": ")
        line.text(draft.headline)
        line.text(". ")
        line.text(draft.detail)
        line.close()
        line.field("MESSAGE_ID", rule.messageID)
        line.open("PRIORITY")
        line.integer(Int(priority.rawValue))
        line.close()
        line.field("SYSLOG_IDENTIFIER", JournalField.syslogIdentifier)
        line.field("ALLIANCE_RULE", rule.rawValue)
        line.open("ALLIANCE_ALERT")
        line.text(draft.rule.rawValue)
        line.text("/")
        line.text(subject.client)
        line.text("/")
        line.text(subject.episode)
        line.text("/")
        line.text(draft.instrument ?? "")
        line.text("/")
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
        if let value = draft.score { line.field("ALLIANCE_SCORE", value) }
        if let value = draft.threshold { line.field("ALLIANCE_THRESHOLD", value) }
        if let value = draft.baseline { line.field("ALLIANCE_BASELINE", value) }
        if let value = draft.items { line.field("ALLIANCE_ITEMS", value) }
        if let value = draft.pattern { line.field("ALLIANCE_PATTERN", value.rawValue) }
        if risk { line.field("ALLIANCE_RISK", "sud-low-motivation") }
        line.field("ALLIANCE_RECORD", subject.recordID)
        line.field("ALLIANCE_SOURCE", subject.source)
        line.end()
        buffer = line.buffer
    }
}

/// Writes one JSON object of string values, piece by piece, with JSON escapes.
struct JSONLineWriter {
    var buffer: [UInt8]
    private var first = true

    init(buffer: [UInt8]) {
        self.buffer = buffer
        self.buffer.append(UInt8(ascii: "{"))
    }

    /// Starts the member `"name": "`.
    mutating func open(_ name: StaticString) {
        if !first {
            buffer.append(UInt8(ascii: ","))
            buffer.append(UInt8(ascii: " "))
        }
        first = false
        buffer.append(UInt8(ascii: "\""))
        buffer.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
        buffer.append(UInt8(ascii: "\""))
        buffer.append(UInt8(ascii: ":"))
        buffer.append(UInt8(ascii: " "))
        buffer.append(UInt8(ascii: "\""))
    }

    mutating func close() { buffer.append(UInt8(ascii: "\"")) }

    mutating func field(_ name: StaticString, _ value: String) {
        open(name)
        text(value)
        close()
    }

    /// Part of a string value, escaped.
    mutating func text(_ value: String) {
        var value = value
        value.withUTF8 { bytes in
            if !bytes.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) {
                buffer.append(contentsOf: bytes)
            } else {
                let quoted = JSONText.quote(String(decoding: bytes, as: UTF8.self)).utf8
                buffer.append(contentsOf: quoted.dropFirst().dropLast())
            }
        }
    }

    mutating func integer(_ value: Int) {
        if value < 0 {
            buffer.append(UInt8(ascii: "-"))
            digits(UInt(value.magnitude), minimum: 1)
        } else {
            digits(UInt(value), minimum: 1)
        }
    }

    /// `YYYY-MM-DD`, as ``CalendarDate/description``.
    mutating func date(_ date: CalendarDate) {
        digits(UInt(date.year), minimum: 4)
        buffer.append(UInt8(ascii: "-"))
        digits(UInt(date.month), minimum: 2)
        buffer.append(UInt8(ascii: "-"))
        digits(UInt(date.day), minimum: 2)
    }

    private mutating func digits(_ value: UInt, minimum: Int) {
        // Written backwards, padded, then turned around in place.
        let start = buffer.count
        var rest = value
        repeat {
            buffer.append(UInt8(ascii: "0") + UInt8(rest % 10))
            rest /= 10
        } while rest > 0
        while buffer.count - start < minimum { buffer.append(UInt8(ascii: "0")) }
        buffer[start...].reverse()
    }

    mutating func end() {
        buffer.append(UInt8(ascii: "}"))
        buffer.append(UInt8(ascii: "\n"))
    }
}
