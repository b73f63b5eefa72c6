/// A place in the configuration text: 1-based line and byte column.
struct SourcePosition: Hashable, Sendable, Comparable {
    var line: Int
    var column: Int

    static func < (lhs: SourcePosition, rhs: SourcePosition) -> Bool {
        (lhs.line, lhs.column) < (rhs.line, rhs.column)
    }
}

/// Where each key, table header and array element of a TOML document begins.
///
/// TOMLKit does not expose toml++'s node positions, so diagnostics about values find their line
/// here. The scanner assumes valid TOML; on anything else it finds less, but it always terminates
/// and never traps, so it also runs before TOMLKit to find `malformedHeaders`.
struct KeyPositionIndex {
    private let positions: [ConfigKeyPath: SourcePosition]
    /// Where a key or basic string spells a NUL (`\u0000`, `\U00000000`, `\x00`). TOML allows it, but
    /// TOMLKit reads keys and strings as C strings, so the value would silently end there.
    let nulEscapes: [SourcePosition]
    /// Places where TOMLKit 0.6.0's toml++ would abort the whole process (an `assert` of its
    /// parser) instead of reporting a parse error, so such text must never reach it: a table
    /// header whose key cannot start (`[$a]`, `[[#a]]`), an array element that starts with `}`
    /// or a Unicode line separator. Found by `make fuzz` (FuzzConfig); each is invalid TOML.
    let parserTraps: [ParserTrap]

    struct ParserTrap: Equatable, Sendable {
        var position: SourcePosition
        var character: Unicode.Scalar
        var expected: String
    }

    init(text: String) {
        var scanner = Scanner(bytes: Array(text.utf8))
        scanner.scanDocument()
        positions = scanner.positions
        nulEscapes = scanner.nulEscapes
        parserTraps = scanner.parserTraps
    }

    /// The position of `path`, or of its nearest ancestor that has one (an array element written
    /// on its key's line, a table created implicitly).
    func position(of path: ConfigKeyPath) -> SourcePosition? {
        var candidate: ConfigKeyPath? = path
        while let current = candidate, !current.components.isEmpty {
            if let position = positions[current] { return position }
            candidate = current.parent
        }
        return nil
    }
}

private struct Scanner {
    let bytes: [UInt8]
    var offset = 0
    var line = 1
    var lineStart = 0
    var positions: [ConfigKeyPath: SourcePosition] = [:]
    var nulEscapes: [SourcePosition] = []
    var parserTraps: [KeyPositionIndex.ParserTrap] = []

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    private var current: UInt8? { offset < bytes.count ? bytes[offset] : nil }

    private func byte(at distance: Int) -> UInt8? {
        offset + distance < bytes.count ? bytes[offset + distance] : nil
    }

    private var position: SourcePosition { SourcePosition(line: line, column: offset - lineStart + 1) }

    private mutating func advance() {
        guard offset < bytes.count else { return }
        if bytes[offset] == .lineFeed {
            line += 1
            lineStart = offset + 1
        }
        offset += 1
    }

    /// Keeps the first position of a path: a table may be named again by a dotted key or header.
    private mutating func record(_ path: ConfigKeyPath, at position: SourcePosition) {
        if positions[path] == nil { positions[path] = position }
    }

    mutating func scanDocument() {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { offset = 3; lineStart = 3 }
        var table = ConfigKeyPath.root
        while true {
            skipTrivia(acrossLines: true)
            guard let byte = current else { return }
            let start = offset
            if byte == .openBracket {
                table = scanTableHeader()
            } else {
                scanKeyValue(in: table)
            }
            skipToEndOfLine()
            if offset == start { advance() }
        }
    }

    /// `[a.b]` or `[[a.b]]`; records the table and its implicit parents.
    private mutating func scanTableHeader() -> ConfigKeyPath {
        let start = position
        checkHeaderStart()
        advance()
        let isArrayOfTables = current == .openBracket
        if isArrayOfTables { advance() }
        let keys = scanKey()
        skipTrivia(acrossLines: false)
        if current == .closeBracket { advance() }
        if isArrayOfTables, current == .closeBracket { advance() }
        let path = ConfigKeyPath(keys: keys)
        for count in stride(from: 1, through: keys.count, by: 1) {
            record(ConfigKeyPath(keys: Array(keys.prefix(count))), at: start)
        }
        return path
    }

    /// At the `[` of a header, reads ahead as toml++'s `parse_table_header` does (spaces and tabs, an
    /// optional second `[`, spaces and tabs) and records the header when the next character can
    /// neither start a key nor close the header, nor is the end of the text.
    private mutating func checkHeaderStart() {
        var ahead = offset + 1
        func skipBlanks() {
            while ahead < bytes.count, bytes[ahead] == .space || bytes[ahead] == .tab { ahead += 1 }
        }
        skipBlanks()
        if ahead < bytes.count, bytes[ahead] == .openBracket {
            ahead += 1
            skipBlanks()
        }
        guard ahead < bytes.count, !Self.startsKeyOrClosesHeader(bytes[ahead]) else { return }
        recordTrap(at: ahead, expected: "a key after '[' of a table header")
    }

    /// At the start of an array element, after spaces, tabs, line breaks and comments: toml++'s
    /// `parse_value` asserts that it does not start with a character that ends a value, and
    /// `parse_array` lets `}` and the Unicode line separators (U+0085, U+2028, U+2029) through.
    private mutating func checkArrayElementStart() {
        guard let byte = current else { return }
        let isLineSeparator = (byte == 0xC2 && self.byte(at: 1) == 0x85)
            || (byte == 0xE2 && self.byte(at: 1) == 0x80 && (self.byte(at: 2) == 0xA8 || self.byte(at: 2) == 0xA9))
        guard byte == .closeBrace || isLineSeparator else { return }
        recordTrap(at: offset, expected: "a value or ']' in an array")
    }

    /// At the start of a bare value: toml++ reads `dddd-dd-dd` followed by a space and a digit as
    /// the start of a date-time and scans on, asserting that the next character does not end a
    /// value; `d = 2026-12-06 1` then aborts. Such text is never valid TOML (hours have two digits).
    private mutating func checkDateTimeWithSpace() {
        let window = String(decoding: bytes[offset..<min(offset + 160, bytes.count)], as: UTF8.self).unicodeScalars
        var scalars = window.makeIterator()
        var characters: [Unicode.Scalar] = []
        var width = 0
        var next = scalars.next()
        while let scalar = next, !Self.endsTOMLValue(scalar), width < 127 {
            if scalar != "_" { characters.append(scalar) }
            width += scalar.utf8.count
            next = scalars.next()
        }
        guard characters.count == 10, characters[4] == "-", characters[7] == "-", next == " ",
              let digit = scalars.next(), ("0"..."9").contains(digit),
              let after = scalars.next(), Self.endsTOMLValue(after) else { return }
        recordTrap(at: offset + width + 2, expected: "two-digit hours after the date and the space of a date-time")
    }

    /// toml++'s `is_value_terminator`: its whitespace (ASCII and Unicode), `]`, `}`, `,` and `#`.
    private static func endsTOMLValue(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A...0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x180E, 0x2000...0x200B, 0x2028, 0x2029,
             0x202F, 0x205F, 0x2060, 0x3000, 0xFEFF,
             UInt32(UInt8.closeBracket), UInt32(UInt8.closeBrace), UInt32(UInt8.comma), UInt32(UInt8.hash):
            return true
        default:
            return false
        }
    }

    private mutating func recordTrap(at index: Int, expected: String) {
        let scalar = String(decoding: bytes[index..<min(index + 4, bytes.count)], as: UTF8.self)
            .unicodeScalars.first ?? "\u{FFFD}"
        let column = index - lineStart + 1
        parserTraps.append(.init(position: SourcePosition(line: line, column: column), character: scalar, expected: expected))
    }

    /// ASCII letters, digits, `_` and `-` (TOML 1.0 bare keys), the two quotes, and `]`.
    private static func startsKeyOrClosesHeader(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"),
             .quotationMark, .apostrophe, .closeBracket:
            return true
        default:
            return false
        }
    }

    /// `a.b = value`, inside `table`; records the key, the tables its dots create, and the value's parts.
    private mutating func scanKeyValue(in table: ConfigKeyPath) {
        let start = position
        let keys = scanKey()
        guard !keys.isEmpty else { return }
        var path = table
        for key in keys {
            path = path.appending(key)
            record(path, at: start)
        }
        skipTrivia(acrossLines: false)
        guard current == .equals else { return }
        advance()
        skipTrivia(acrossLines: false)
        scanValue(at: path)
    }

    private mutating func scanValue(at path: ConfigKeyPath) {
        switch current {
        case .quotationMark?:
            if byte(at: 1) == .quotationMark, byte(at: 2) == .quotationMark {
                skipMultilineString(delimiter: .quotationMark)
            } else {
                _ = scanBasicString()
            }
        case .apostrophe?:
            if byte(at: 1) == .apostrophe, byte(at: 2) == .apostrophe {
                skipMultilineString(delimiter: .apostrophe)
            } else {
                _ = scanLiteralString()
            }
        case .openBracket?:
            scanArray(at: path)
        case .openBrace?:
            scanInlineTable(at: path)
        default:
            checkDateTimeWithSpace()
            // Numbers, booleans, dates; a local date-time may contain a space.
            while let byte = current, ![.comma, .closeBracket, .closeBrace, .lineFeed, .carriageReturn, .hash].contains(byte) {
                advance()
            }
        }
    }

    private mutating func scanArray(at path: ConfigKeyPath) {
        advance()
        var index = 0
        while true {
            skipTrivia(acrossLines: true)
            checkArrayElementStart()
            guard let byte = current else { return }
            if byte == .closeBracket { advance(); return }
            if byte == .comma { advance(); continue }
            let element = path.appending(index: index)
            record(element, at: position)
            let start = offset
            scanValue(at: element)
            if offset == start { advance() }
            index += 1
        }
    }

    private mutating func scanInlineTable(at path: ConfigKeyPath) {
        advance()
        while true {
            skipTrivia(acrossLines: true)
            guard let byte = current else { return }
            if byte == .closeBrace { advance(); return }
            if byte == .comma { advance(); continue }
            let start = offset
            scanKeyValue(in: path)
            if offset == start { advance() }
        }
    }

    /// A dotted key: bare, "basic" or 'literal' parts.
    private mutating func scanKey() -> [String] {
        var keys: [String] = []
        while true {
            skipTrivia(acrossLines: false)
            switch current {
            case .quotationMark?:
                keys.append(scanBasicString())
            case .apostrophe?:
                keys.append(scanLiteralString())
            default:
                let start = offset
                while let byte = current, !Self.endsBareKey(byte) { advance() }
                guard offset > start else { return keys }
                keys.append(String(decoding: bytes[start..<offset], as: UTF8.self))
            }
            skipTrivia(acrossLines: false)
            guard current == .period else { return keys }
            advance()
        }
    }

    private static func endsBareKey(_ byte: UInt8) -> Bool {
        [.space, .tab, .period, .equals, .openBracket, .closeBracket, .openBrace, .closeBrace,
         .comma, .hash, .lineFeed, .carriageReturn, .quotationMark, .apostrophe].contains(byte)
    }

    /// A single-line "basic" string, with its escapes decoded (keys must match TOMLKit's).
    private mutating func scanBasicString() -> String {
        advance()
        var decoded: [UInt8] = []
        while let byte = current, byte != .lineFeed {
            advance()
            if byte == .quotationMark { break }
            guard byte == .backslash, let escape = current else {
                decoded.append(byte)
                continue
            }
            let escapePosition = SourcePosition(line: line, column: offset - lineStart)
            if let scalar = scanHexEscape(escape) {
                if scalar == 0 { nulEscapes.append(escapePosition) }
                if let unicode = Unicode.Scalar(scalar) { decoded.append(contentsOf: Array(String(Character(unicode)).utf8)) }
                continue
            }
            advance()
            switch escape {
            case UInt8(ascii: "b"): decoded.append(0x08)
            case UInt8(ascii: "t"): decoded.append(0x09)
            case UInt8(ascii: "n"): decoded.append(0x0A)
            case UInt8(ascii: "f"): decoded.append(0x0C)
            case UInt8(ascii: "r"): decoded.append(0x0D)
            case UInt8(ascii: "e"): decoded.append(0x1B)
            default: decoded.append(escape)
            }
        }
        return String(decoding: decoded, as: UTF8.self)
    }

    /// After the backslash of `\xHH`, `\uHHHH` or `\UHHHHHHHH` (`escape` is the letter, at the
    /// current offset): consumes the escape and returns its value; nil for any other escape.
    private mutating func scanHexEscape(_ escape: UInt8) -> UInt32? {
        let digits: Int
        switch escape {
        case UInt8(ascii: "x"): digits = 2
        case UInt8(ascii: "u"): digits = 4
        case UInt8(ascii: "U"): digits = 8
        default: return nil
        }
        advance()
        var value: UInt32 = 0
        for _ in 0..<digits {
            guard let byte = current, let digit = Self.hexValue(byte) else { break }
            value = value &* 16 &+ digit
            advance()
        }
        return value
    }

    private static func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt32(byte - UInt8(ascii: "A") + 10)
        default: return nil
        }
    }

    private mutating func scanLiteralString() -> String {
        advance()
        let start = offset
        while let byte = current, byte != .apostrophe, byte != .lineFeed { advance() }
        let text = String(decoding: bytes[start..<offset], as: UTF8.self)
        if current == .apostrophe { advance() }
        return text
    }

    /// `"""…"""` or `'''…'''`; up to two quotes may touch the closing delimiter.
    private mutating func skipMultilineString(delimiter: UInt8) {
        for _ in 0..<3 { advance() }
        while let byte = current {
            if delimiter == .quotationMark, byte == .backslash {
                let escapePosition = position
                advance()
                guard let escape = current else { return }
                if let value = scanHexEscape(escape) {
                    if value == 0 { nulEscapes.append(escapePosition) }
                } else {
                    advance()
                }
                continue
            }
            if byte == delimiter, self.byte(at: 1) == delimiter, self.byte(at: 2) == delimiter {
                var run = 0
                while run < 5, current == delimiter {
                    advance()
                    run += 1
                }
                return
            }
            advance()
        }
    }

    /// Spaces, tabs and comments; also line breaks when `acrossLines`.
    private mutating func skipTrivia(acrossLines: Bool) {
        while let byte = current {
            switch byte {
            case .space, .tab:
                advance()
            case .lineFeed, .carriageReturn:
                guard acrossLines else { return }
                advance()
            case .hash:
                while let byte = current, byte != .lineFeed { advance() }
            default:
                return
            }
        }
    }

    private mutating func skipToEndOfLine() {
        while let byte = current, byte != .lineFeed { advance() }
    }
}

private extension UInt8 {
    static let tab = UInt8(ascii: "\t")
    static let lineFeed = UInt8(ascii: "\n")
    static let carriageReturn = UInt8(ascii: "\r")
    static let space = UInt8(ascii: " ")
    static let quotationMark = UInt8(ascii: "\"")
    static let hash = UInt8(ascii: "#")
    static let apostrophe = UInt8(ascii: "'")
    static let comma = UInt8(ascii: ",")
    static let period = UInt8(ascii: ".")
    static let equals = UInt8(ascii: "=")
    static let openBracket = UInt8(ascii: "[")
    static let backslash = UInt8(ascii: "\\")
    static let closeBracket = UInt8(ascii: "]")
    static let openBrace = UInt8(ascii: "{")
    static let closeBrace = UInt8(ascii: "}")
}
