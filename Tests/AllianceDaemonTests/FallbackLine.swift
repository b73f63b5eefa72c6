/// One standard-error line of SPEC §6.3, `PRIORITY <rule|event> MESSAGE | KEY=value …`, read
/// back into fields: the reverse of the daemon's fallback writer, written from the SPEC and the
/// documented escaping (backslash escapes; values with a space, a quote or nothing in quotes).
struct FallbackLine {
    var priority: String
    var name: String
    var message: String
    var fields: [String: String]

    init?(_ line: Substring) {
        let (head, tail): (Substring, Substring?)
        if let bar = line.range(of: " | ") {
            (head, tail) = (line[..<bar.lowerBound], line[bar.upperBound...])
        } else {
            (head, tail) = (line, nil)
        }
        let parts = head.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, ["3", "4", "5", "6", "-"].contains(parts[0]) else { return nil }
        priority = String(parts[0])
        name = String(parts[1])
        message = Self.unescaped(parts[2])
        fields = [:]
        guard let tail, let pairs = Self.pairs(tail) else {
            if tail != nil { return nil }
            return
        }
        fields = pairs
    }

    /// `KEY=value KEY="quoted value" …`.
    private static func pairs(_ text: Substring) -> [String: String]? {
        var result: [String: String] = [:]
        var index = text.startIndex
        while index < text.endIndex {
            guard let equals = text[index...].firstIndex(of: "=") else { return nil }
            let key = String(text[index..<equals])
            var cursor = text.index(after: equals)
            var raw = ""
            if cursor < text.endIndex, text[cursor] == "\"" {
                cursor = text.index(after: cursor)
                while cursor < text.endIndex, text[cursor] != "\"" {
                    if text[cursor] == "\\" {
                        raw.append(text[cursor])
                        cursor = text.index(after: cursor)
                        guard cursor < text.endIndex else { return nil }
                    }
                    raw.append(text[cursor])
                    cursor = text.index(after: cursor)
                }
                guard cursor < text.endIndex else { return nil }
                cursor = text.index(after: cursor)
            } else {
                while cursor < text.endIndex, text[cursor] != " " {
                    raw.append(text[cursor])
                    cursor = text.index(after: cursor)
                }
            }
            result[key] = unescaped(Substring(raw))
            if cursor < text.endIndex {
                guard text[cursor] == " " else { return nil }
                cursor = text.index(after: cursor)
            }
            index = cursor
        }
        return result
    }

    private static func unescaped(_ text: Substring) -> String {
        var out = ""
        var iterator = text.makeIterator()
        while let character = iterator.next() {
            guard character == "\\", let next = iterator.next() else {
                out.append(character)
                continue
            }
            switch next {
            case "n": out.append("\n")
            case "r": out.append("\r")
            case "t": out.append("\t")
            case "x":
                let hex = String([iterator.next(), iterator.next()].compactMap { $0 })
                out.unicodeScalars.append(Unicode.Scalar(UInt8(hex, radix: 16) ?? 0x3F))
            default: out.append(next)
            }
        }
        return out
    }
}
