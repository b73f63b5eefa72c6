/// Writes a CSV row as the JSON record it stands for, so that CSV and JSON records pass the
/// same validation and give the same canonical form (SPEC §3.3).
///
/// An empty cell is an absent key. A group whose cells are all empty is absent; otherwise its
/// filled cells form the object, and validation reports what is missing. A number cell that is
/// not a plain decimal, or a boolean cell that is not true/false/yes/no/1/0, is written as a
/// JSON string, which validation then reports as `wrong-type` with the cell's text.
struct CSVRowTranslator {
    private let header: CSVHeader
    private(set) var json: [UInt8] = []
    private var cells: [CSVReader.Cell] = []
    private var bytes = UnsafeBufferPointer<UInt8>(start: nil, count: 0)

    init(header: CSVHeader) {
        self.header = header
        json.reserveCapacity(512)
    }

    /// Writes the row's JSON text into `json`. Throws when a WAI-SR group is incomplete, the one
    /// rule the JSON form cannot express (its array would just be shorter).
    mutating func translate(cells: [CSVReader.Cell], in bytes: UnsafeBufferPointer<UInt8>) throws(RecordProblem) {
        self.cells = cells
        self.bytes = bytes
        defer { self.bytes = UnsafeBufferPointer(start: nil, count: 0) }
        json.removeAll(keepingCapacity: true)
        append("{\"schema\":1")

        writeString("id", .id)
        writeString("client", .client)
        writeString("clinician", .clinician)
        writeString("episode", .episode)
        writeNumber("session", .session)
        writeString("date", .date)
        writeString("attendance", .attendance)

        if RecordKey.SRS.allCases.contains(where: { filled(.srs($0)) }) {
            append(",\"srs\":{")
            var first = true
            for item in RecordKey.SRS.allCases { writeNumber(item.name, .srs(item), first: &first) }
            append("}")
        }
        if (0..<12).contains(where: { filled(.wai($0)) }) {
            if let missing = (0..<12).first(where: { !filled(.wai($0)) }) {
                throw RecordProblem(reason: .missingField, field: "wai_sr[\(missing)]", message: "'wai_\(missing + 1)' is empty; a WAI-SR needs all 12 items")
            }
            append(",\"wai_sr\":[")
            for index in 0..<12 {
                if index > 0 { append(",") }
                writeNumberValue(cell(.wai(index))!)
            }
            append("]")
        }
        if RecordKey.PSQ.allCases.contains(where: { filled(.psq($0)) }) {
            append(",\"psq\":{")
            var first = true
            writeBoolean("tension", .psq(.tension), first: &first)
            writeNumber("intensity", .psq(.intensity), first: &first)
            writeNumber("resolution", .psq(.resolution), first: &first)
            append("}")
        }
        if RecordKey.ORS.allCases.contains(where: { filled(.ors($0)) }) {
            append(",\"ors\":{")
            var first = true
            for item in RecordKey.ORS.allCases { writeNumber(item.name, .ors(item), first: &first) }
            append("}")
        }
        writeList("markers", .markers)
        var first = false
        writeBoolean("episode_end", .episodeEnd, first: &first)

        let motivation = RecordKey.Motivation.allCases.contains { filled(.motivation($0)) }
        if filled(.substanceUse) || filled(.diagnoses) || motivation {
            append(",\"profile\":{")
            var first = true
            writeBoolean("substance_use", .substanceUse, first: &first)
            writeList("diagnoses", .diagnoses, first: &first)
            if motivation {
                append(first ? "\"motivation\":{" : ",\"motivation\":{")
                first = false
                var firstItem = true
                writeNumber("ruler", .motivation(.ruler), first: &firstItem)
                writeNumber("urica", .motivation(.urica), first: &firstItem)
                writeString("level", .motivation(.level), first: &firstItem)
                append("}")
            }
            append("}")
        }
        append("}")
    }

    // MARK: - Cells

    private func cell(_ column: CSVColumn) -> CSVReader.Cell? {
        guard let position = header.positions[column], position < cells.count, !cells[position].isEmpty else { return nil }
        return cells[position]
    }

    private func filled(_ column: CSVColumn) -> Bool { cell(column) != nil }

    private func content(_ cell: CSVReader.Cell) -> [UInt8] { CSVReader.content(of: cell, in: bytes) }

    // MARK: - Members

    private mutating func writeKey(_ name: String, first: inout Bool) {
        append(first ? "\"" : ",\"")
        append(name)
        append("\":")
        first = false
    }

    private mutating func writeString(_ name: String, _ column: CSVColumn) {
        var first = false
        writeString(name, column, first: &first)
    }

    private mutating func writeString(_ name: String, _ column: CSVColumn, first: inout Bool) {
        guard let cell = cell(column) else { return }
        writeKey(name, first: &first)
        writeJSONString(content(cell))
    }

    private mutating func writeNumber(_ name: String, _ column: CSVColumn) {
        var first = false
        writeNumber(name, column, first: &first)
    }

    private mutating func writeNumber(_ name: String, _ column: CSVColumn, first: inout Bool) {
        guard let cell = cell(column) else { return }
        writeKey(name, first: &first)
        writeNumberValue(cell)
    }

    /// A plain decimal (`9`, `9.5`, `-1.25`) as a JSON number, anything else as a string.
    private mutating func writeNumberValue(_ cell: CSVReader.Cell) {
        let text = content(cell)
        guard let number = Self.plainDecimal(text) else {
            writeJSONString(text)
            return
        }
        json.append(contentsOf: number)
    }

    private mutating func writeBoolean(_ name: String, _ column: CSVColumn, first: inout Bool) {
        guard let cell = cell(column) else { return }
        writeKey(name, first: &first)
        let text = content(cell)
        switch String(decoding: text, as: UTF8.self).lowercased() {
        case "true", "yes", "1": append("true")
        case "false", "no", "0": append("false")
        default: writeJSONString(text)
        }
    }

    private mutating func writeList(_ name: String, _ column: CSVColumn) {
        var first = false
        writeList(name, column, first: &first)
    }

    /// A `;`-separated list; items are trimmed and empty items dropped.
    private mutating func writeList(_ name: String, _ column: CSVColumn, first: inout Bool) {
        guard let cell = cell(column) else { return }
        writeKey(name, first: &first)
        append("[")
        var firstItem = true
        for item in content(cell).split(separator: UInt8(ascii: ";"), omittingEmptySubsequences: false) {
            let trimmed = item.drop(while: CSVReader.isBlank).reversed().drop(while: CSVReader.isBlank).reversed()
            guard !trimmed.isEmpty else { continue }
            if !firstItem { append(",") }
            firstItem = false
            writeJSONString(Array(trimmed))
        }
        append("]")
    }

    // MARK: - JSON text

    private mutating func append(_ text: String) { json.append(contentsOf: text.utf8) }

    private mutating func writeJSONString(_ value: [UInt8]) {
        json.append(UInt8(ascii: "\""))
        for byte in value {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                json.append(UInt8(ascii: "\\"))
                json.append(byte)
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                json.append(contentsOf: Array("\\u00".utf8))
                json.append(hex[Int(byte >> 4)])
                json.append(hex[Int(byte & 0xF)])
            default:
                json.append(byte)
            }
        }
        json.append(UInt8(ascii: "\""))
    }

    /// The JSON number for a plain decimal `-?[0-9]+(\.[0-9]+)?`, its integer part without
    /// leading zeros (which JSON forbids); nil for any other text.
    static func plainDecimal(_ text: [UInt8]) -> [UInt8]? {
        var index = 0
        var number: [UInt8] = []
        if index < text.count, text[index] == UInt8(ascii: "-") {
            number.append(UInt8(ascii: "-"))
            index += 1
        }
        let integerStart = index
        while index < text.count, text[index] &- UInt8(ascii: "0") < 10 { index += 1 }
        guard index > integerStart else { return nil }
        var firstSignificant = integerStart
        while firstSignificant < index - 1, text[firstSignificant] == UInt8(ascii: "0") { firstSignificant += 1 }
        number.append(contentsOf: text[firstSignificant..<index])
        if index < text.count {
            guard text[index] == UInt8(ascii: ".") else { return nil }
            let fractionStart = index + 1
            index += 1
            while index < text.count, text[index] &- UInt8(ascii: "0") < 10 { index += 1 }
            guard index > fractionStart, index == text.count else { return nil }
            number.append(contentsOf: text[(fractionStart - 1)..<index])
        }
        return number
    }
}
