/// How diagnostics show values a user wrote: strings in single quotes, on one line.
enum TextQuoting {
    /// `'value'`, with control characters escaped so a diagnostic stays on one line.
    static func quoted(_ text: String) -> String {
        "'" + text.unicodeScalars.map(escapingControlCharacters).joined() + "'"
    }

    /// C0 and C1 controls, DEL and the Unicode line and paragraph separators become `\uXXXX`.
    static func escapingControlCharacters(_ scalar: Unicode.Scalar) -> String {
        switch scalar {
        case "\n": return "\\n"
        case "\r": return "\\r"
        case "\t": return "\\t"
        default:
            if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.value == 0x2028 || scalar.value == 0x2029 {
                let hex = String(scalar.value, radix: 16, uppercase: true)
                return "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            }
            return String(scalar)
        }
    }
}
