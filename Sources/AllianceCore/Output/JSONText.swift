/// Minimal JSON text output for the files and lines alliance-watch writes (alerts, `error.json`).
public enum JSONText {
    /// `value` as a JSON string literal, with quotes.
    public static func quote(_ value: String) -> String {
        if !value.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) { return "\"" + value + "\"" }
        var out = "\""
        out.reserveCapacity(value.utf8.count + 2)
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// Appends `{"NAME": "value", …}` and a line break for journal fields to `buffer`: the
    /// `replay --json` line, without building intermediate strings.
    public static func appendLine(_ fields: [JournalField], to buffer: inout [UInt8]) {
        buffer.append(UInt8(ascii: "{"))
        for (index, field) in fields.enumerated() {
            if index > 0 { buffer.append(contentsOf: [UInt8(ascii: ","), UInt8(ascii: " ")]) }
            appendQuoted(field.name, to: &buffer)
            buffer.append(contentsOf: [UInt8(ascii: ":"), UInt8(ascii: " ")])
            appendQuoted(field.value, to: &buffer)
        }
        buffer.append(contentsOf: [UInt8(ascii: "}"), UInt8(ascii: "\n")])
    }

    static func appendQuoted(_ value: String, to buffer: inout [UInt8]) {
        var value = value
        value.withUTF8 { bytes in
            if !bytes.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) {
                buffer.append(UInt8(ascii: "\""))
                buffer.append(contentsOf: bytes)
                buffer.append(UInt8(ascii: "\""))
            } else {
                buffer.append(contentsOf: quote(String(decoding: bytes, as: UTF8.self)).utf8)
            }
        }
    }

    /// A JSON object whose values are already JSON text (numbers, nested objects).
    public static func rawObject(_ pairs: [(String, String)]) -> String {
        "{" + pairs.map { quote($0.0) + ": " + $0.1 }.joined(separator: ", ") + "}"
    }
}
