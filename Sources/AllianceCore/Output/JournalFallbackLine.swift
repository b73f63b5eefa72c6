/// The one-line form of a journal entry for standard error, used when no journal socket exists
/// and by `replay` (SPEC §6.3): `PRIORITY <rule|event> MESSAGE | KEY=value …`.
///
/// `3 record-rejected Failed to parse 'x.csv' line 7: srs.approach: 11 is out of range 0…10, skipping record | ALLIANCE_SOURCE=x.csv ALLIANCE_LINE=7 ALLIANCE_REASON=out-of-range ALLIANCE_FIELD=srs.approach`
///
/// - The name is the value of `ALLIANCE_RULE`, else `ALLIANCE_EVENT`, else `-`; a missing
///   `PRIORITY` is also `-`.
/// - After ` | ` come the remaining fields in their order, as `KEY=value`: every field except
///   `MESSAGE`, `MESSAGE_ID`, `PRIORITY`, `SYSLOG_IDENTIFIER` and the one already shown as the
///   name. The ` | ` is left out when none remain.
/// - It stays one line: a backslash becomes `\\`, a newline `\n`, a carriage return `\r`, a tab
///   `\t`, any other control character `\xHH`. A value that is empty or contains a space or a
///   double quote is written in double quotes, with `"` as `\"` (logfmt), so
///   `ALLIANCE_ITEMS="relationship=9.1 goals=8.0"` stays one pair.
public enum JournalFallbackLine {
    /// The fields named on the line itself or left out as constant.
    static let omittedFields: Set<String> = ["MESSAGE", "MESSAGE_ID", "PRIORITY", "SYSLOG_IDENTIFIER"]

    /// The fallback line for one entry, without a trailing newline.
    public static func format(_ fields: [JournalField]) -> String {
        func value(_ name: String) -> String? { fields.first { $0.name == name }?.value }

        let nameField = value("ALLIANCE_RULE") != nil ? "ALLIANCE_RULE" : (value("ALLIANCE_EVENT") != nil ? "ALLIANCE_EVENT" : nil)
        let name = nameField.flatMap(value) ?? "-"
        var line = escaped(value("PRIORITY") ?? "-") + " " + escaped(name) + " " + escaped(value("MESSAGE") ?? "")

        let rest = fields.filter { !omittedFields.contains($0.name) && $0.name != nameField }
        if !rest.isEmpty {
            line += " |"
            for field in rest {
                line += " " + escaped(field.name) + "=" + quotedIfNeeded(field.value)
            }
        }
        return line
    }

    /// `text` with backslashes and control characters escaped, so it cannot break the line.
    static func escaped(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                let hex = String(scalar.value, radix: 16, uppercase: false)
                out += "\\x" + (hex.count < 2 ? "0" + hex : hex)
            default:
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    static func quotedIfNeeded(_ value: String) -> String {
        let needsQuotes = value.isEmpty || value.contains(" ") || value.contains("\"")
        guard needsQuotes else { return escaped(value) }
        let body = escaped(value).replacingAll("\"", with: "\\\"")
        return "\"" + body + "\""
    }
}

extension String {
    /// Every occurrence of `target` replaced; Foundation-free, for the pure core.
    fileprivate func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        out.reserveCapacity(utf8.count)
        for character in self {
            if character == target { out += replacement } else { out.append(character) }
        }
        return out
    }
}
