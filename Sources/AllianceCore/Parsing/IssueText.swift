/// How record diagnostics show the values they are about.
///
/// User values appear in single quotes, shortened to ``maxLength`` characters, with control
/// characters escaped so that a message stays on one line of the journal.
enum IssueText {
    static let maxLength = 40

    /// `'value'`, shortened with `…` when longer than ``maxLength``.
    static func quoted(_ value: String) -> String {
        var out = "'"
        var length = 0
        for scalar in value.unicodeScalars {
            if length == maxLength {
                out += "…"
                break
            }
            length += 1
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                let hex = String(scalar.value, radix: 16, uppercase: true)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default:
                out.unicodeScalars.append(scalar)
            }
        }
        return out + "'"
    }

    static func quoted(_ bytes: [UInt8]) -> String { quoted(String(decoding: bytes, as: UTF8.self)) }

    /// A number literal as written (shortened), unquoted as in `11 is out of range 0…10`.
    static func literal(_ text: String) -> String {
        text.count > maxLength ? String(text.prefix(maxLength)) + "…" : text
    }

    /// What a value is, for `expected …, got <description>`: the literal for numbers and
    /// `true`/`false`/`null`, the quoted value for strings, `an object` or `an array`.
    static func describe(_ tape: JSONTape, _ index: Int) -> String {
        switch tape[index].kind {
        case .null: return "null"
        case .bool: return tape[index].flags.contains(.isTrue) ? "true" : "false"
        case .number: return literal(tape.text(index))
        case .string: return quoted(tape.string(index))
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}
