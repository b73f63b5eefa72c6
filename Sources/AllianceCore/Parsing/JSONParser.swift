/// A strict RFC 8259 parser over UTF-8 bytes that fills a flat tape of ``JSONNode``s.
///
/// Rejects what the standard rejects and what SPEC §3.1 adds: a byte order mark, `NaN` and
/// `Infinity`, trailing commas, leading zeros, raw control characters and bad escapes in
/// strings, unpaired surrogates, ill-formed UTF-8 and a key repeated in one object. Numbers keep
/// whether they were written as integers. One parser is reused for every line of a file so the
/// tape's storage is allocated once.
struct JSONParser {
    /// Deeper nesting is rejected: records are four levels deep, and recursion needs a bound.
    static let maxDepth = 512

    /// The tape of the last successful `parse`; the root is node 0.
    private(set) var nodes: [JSONNode] = []
    /// Whether the last parsed text has a number beyond the range of a double.
    private(set) var hasTooLargeNumber = false

    private var input = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
    private var position = 0

    init() {}

    /// Parses one complete JSON text; on success `nodes[0]` is its value.
    mutating func parse(_ text: UnsafeBufferPointer<UInt8>) throws(JSONSyntaxError) {
        defer { input = UnsafeBufferPointer(start: nil, count: 0) }
        try begin(text)
        try parseValue(depth: 0)
        try end()
    }

    /// Parses `text` like ``parse(_:)``, except that when its value is an array the elements
    /// are handed to `element` one at a time, each alone on the tape at node 0, so that a large
    /// array of records never needs one tape for all of them. Returns false when the value is
    /// not an array; the tape then holds it as after ``parse(_:)``. Offsets stay relative to
    /// `text`, and a syntax error anywhere still throws.
    mutating func parseArrayElements(_ text: UnsafeBufferPointer<UInt8>, element: (JSONParser) -> Void) throws(JSONSyntaxError) -> Bool {
        defer { input = UnsafeBufferPointer(start: nil, count: 0) }
        try begin(text)
        guard input[position] == UInt8(ascii: "[") else {
            try parseValue(depth: 0)
            try end()
            return false
        }
        position += 1
        skipWhitespace()
        if position < input.count, input[position] == UInt8(ascii: "]") {
            position += 1
        } else {
            var count = 0
            while true {
                guard position < input.count else { throw endOfText() }
                if input[position] == UInt8(ascii: "]"), count > 0 {
                    throw JSONSyntaxError(offset: position, problem: "trailing comma before ']'")
                }
                nodes.removeAll(keepingCapacity: true)
                hasTooLargeNumber = false
                try parseValue(depth: 1)
                count += 1
                element(self)
                skipWhitespace()
                guard position < input.count else { throw endOfText() }
                let byte = input[position]
                position += 1
                if byte == UInt8(ascii: ",") {
                    skipWhitespace()
                    continue
                }
                if byte == UInt8(ascii: "]") { break }
                position -= 1
                throw JSONSyntaxError(offset: position, problem: "expected ',' or ']', got \(describeByte(at: position))")
            }
        }
        try end()
        return true
    }

    /// Resets the parser for `text` and steps to its value.
    private mutating func begin(_ text: UnsafeBufferPointer<UInt8>) throws(JSONSyntaxError) {
        nodes.removeAll(keepingCapacity: true)
        hasTooLargeNumber = false
        input = text
        position = 0
        if text.count >= 3, text[0] == 0xEF, text[1] == 0xBB, text[2] == 0xBF {
            throw JSONSyntaxError(offset: 0, problem: "the text starts with a byte order mark; save it as UTF-8 without BOM")
        }
        skipWhitespace()
        guard position < input.count else {
            throw JSONSyntaxError(offset: position, problem: "the text is empty")
        }
    }

    /// Checks that only whitespace follows the value.
    private mutating func end() throws(JSONSyntaxError) {
        skipWhitespace()
        if position < input.count {
            throw JSONSyntaxError(offset: position, problem: "unexpected \(describeByte(at: position)) after the JSON value")
        }
    }

    // MARK: - Values

    private mutating func parseValue(depth: Int) throws(JSONSyntaxError) {
        guard position < input.count else { throw endOfText() }
        switch input[position] {
        case UInt8(ascii: "{"): try parseObject(depth: depth)
        case UInt8(ascii: "["): try parseArray(depth: depth)
        case UInt8(ascii: "\""): try parseString()
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try parseNumber()
        case UInt8(ascii: "t"): try parseLiteral("true", kind: .bool, flags: .isTrue)
        case UInt8(ascii: "f"): try parseLiteral("false", kind: .bool, flags: [])
        case UInt8(ascii: "n"): try parseLiteral("null", kind: .null, flags: [])
        default:
            if isWordByte(input[position]) { throw invalidWord(from: position) }
            throw JSONSyntaxError(offset: position, problem: "expected a value, got \(describeByte(at: position))")
        }
    }

    private mutating func parseObject(depth: Int) throws(JSONSyntaxError) {
        guard depth < Self.maxDepth else {
            throw JSONSyntaxError(offset: position, problem: "nesting deeper than \(Self.maxDepth) levels")
        }
        let index = nodes.count
        nodes.append(JSONNode(kind: .object, start: position, end: position, next: 0))
        position += 1
        skipWhitespace()
        var count = 0
        // Keys of large objects go into a set so that duplicate detection stays linear.
        var seenKeys: Set<[UInt8]>? = nil
        // Below 32 keys, one bit per (length, first byte, last byte) of the keys so far: a key
        // whose bit is clear cannot repeat one, and needs no comparison. Escapes can make
        // different bytes equal, so a key with escapes, or after one, is always compared.
        var keySignatures: UInt64 = 0
        var escapedKeys = false
        if position < input.count, input[position] == UInt8(ascii: "}") {
            position += 1
        } else {
            while true {
                guard position < input.count else { throw endOfText() }
                guard input[position] == UInt8(ascii: "\"") else {
                    if input[position] == UInt8(ascii: "}"), count > 0 {
                        throw JSONSyntaxError(offset: position, problem: "trailing comma before '}'")
                    }
                    throw JSONSyntaxError(offset: position, problem: "expected a quoted key, got \(describeByte(at: position))")
                }
                let keyIndex = nodes.count
                try parseString()
                let keyNode = nodes[keyIndex]
                escapedKeys = escapedKeys || keyNode.flags.contains(.hasEscapes)
                if count >= 32 || escapedKeys {
                    try checkUnique(key: keyIndex, object: index, previousCount: count, seenKeys: &seenKeys)
                } else {
                    // start and end include the quotes.
                    let length = keyNode.end - keyNode.start
                    var signature = UInt64(length)
                    if length > 2 {
                        signature = signature &* 31 &+ UInt64(input[keyNode.start + 1])
                        signature = signature &* 31 &+ UInt64(input[keyNode.end - 2])
                    }
                    let bit: UInt64 = 1 << (signature & 63)
                    if keySignatures & bit != 0 {
                        try checkUnique(key: keyIndex, object: index, previousCount: count, seenKeys: &seenKeys)
                    }
                    keySignatures |= bit
                }
                skipWhitespace()
                guard position < input.count else { throw endOfText() }
                guard input[position] == UInt8(ascii: ":") else {
                    throw JSONSyntaxError(offset: position, problem: "expected ':' after the key, got \(describeByte(at: position))")
                }
                position += 1
                skipWhitespace()
                try parseValue(depth: depth + 1)
                count += 1
                skipWhitespace()
                guard position < input.count else { throw endOfText() }
                let byte = input[position]
                position += 1
                if byte == UInt8(ascii: ",") {
                    skipWhitespace()
                    continue
                }
                if byte == UInt8(ascii: "}") { break }
                position -= 1
                throw JSONSyntaxError(offset: position, problem: "expected ',' or '}', got \(describeByte(at: position))")
            }
        }
        nodes[index].end = position
        nodes[index].next = nodes.count
        nodes[index].count = count
    }

    private mutating func parseArray(depth: Int) throws(JSONSyntaxError) {
        guard depth < Self.maxDepth else {
            throw JSONSyntaxError(offset: position, problem: "nesting deeper than \(Self.maxDepth) levels")
        }
        let index = nodes.count
        nodes.append(JSONNode(kind: .array, start: position, end: position, next: 0))
        position += 1
        skipWhitespace()
        var count = 0
        if position < input.count, input[position] == UInt8(ascii: "]") {
            position += 1
        } else {
            while true {
                guard position < input.count else { throw endOfText() }
                if input[position] == UInt8(ascii: "]"), count > 0 {
                    throw JSONSyntaxError(offset: position, problem: "trailing comma before ']'")
                }
                try parseValue(depth: depth + 1)
                count += 1
                skipWhitespace()
                guard position < input.count else { throw endOfText() }
                let byte = input[position]
                position += 1
                if byte == UInt8(ascii: ",") {
                    skipWhitespace()
                    continue
                }
                if byte == UInt8(ascii: "]") { break }
                position -= 1
                throw JSONSyntaxError(offset: position, problem: "expected ',' or ']', got \(describeByte(at: position))")
            }
        }
        nodes[index].end = position
        nodes[index].next = nodes.count
        nodes[index].count = count
    }

    private mutating func parseLiteral(_ word: StaticString, kind: JSONNode.Kind, flags: JSONNode.Flags) throws(JSONSyntaxError) {
        let start = position
        let length = word.utf8CodeUnitCount
        var matches = input.count - start >= length
        if matches {
            let expected = word.utf8Start
            for offset in 0..<length where input[start + offset] != expected[offset] {
                matches = false
                break
            }
        }
        // `trueish` is one bad word, not `true` followed by garbage.
        if !matches || (start + length < input.count && isWordByte(input[start + length])) {
            throw invalidWord(from: start)
        }
        position = start + length
        nodes.append(JSONNode(kind: kind, flags: flags, start: start, end: position, next: nodes.count + 1))
    }

    // MARK: - Strings

    private mutating func parseString() throws(JSONSyntaxError) {
        let start = position
        // Locals, not stored properties, in the loop: the compiler keeps them in registers.
        let bytes = input
        var index = position + 1
        var flags: JSONNode.Flags = []
        while true {
            while index < bytes.count {
                let byte = bytes[index]
                guard byte >= 0x20, byte < 0x80, byte != UInt8(ascii: "\""), byte != UInt8(ascii: "\\") else { break }
                index += 1
            }
            guard index < bytes.count else {
                throw JSONSyntaxError(offset: start, problem: "unterminated string")
            }
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                break
            }
            if byte == UInt8(ascii: "\\") {
                flags.insert(.hasEscapes)
                position = index
                try parseEscape()
                index = position
            } else if byte < 0x20 {
                throw JSONSyntaxError(offset: index, problem: "unescaped control character \(codePoint(UInt32(byte))) in a string")
            } else {
                guard let length = UTF8Validation.sequenceLength(in: bytes, at: index) else {
                    throw JSONSyntaxError(offset: index, problem: "invalid UTF-8 byte \(hexByte(byte))")
                }
                index += length
            }
        }
        position = index
        nodes.append(JSONNode(kind: .string, flags: flags, start: start, end: index, next: nodes.count + 1))
    }

    /// Checks the escape at `position` (a backslash) and steps over it.
    private mutating func parseEscape() throws(JSONSyntaxError) {
        let start = position
        guard position + 1 < input.count else { throw endOfText() }
        switch input[position + 1] {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
             UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            position += 2
        case UInt8(ascii: "u"):
            let unit = try hexEscape(at: start)
            position += 6
            if (0xDC00...0xDFFF).contains(unit) {
                throw JSONSyntaxError(offset: start, problem: "unpaired surrogate '\(text(start..<start + 6))' in a string")
            }
            if (0xD800...0xDBFF).contains(unit) {
                let hasLow = position + 1 < input.count && input[position] == UInt8(ascii: "\\")
                    && input[position + 1] == UInt8(ascii: "u")
                guard hasLow, let low = try? hexEscape(at: position), (0xDC00...0xDFFF).contains(low) else {
                    throw JSONSyntaxError(offset: start, problem: "unpaired surrogate '\(text(start..<start + 6))' in a string")
                }
                position += 6
            }
        default:
            let end = min(start + 2, input.count)
            throw JSONSyntaxError(offset: start, problem: "invalid escape '\(text(start..<end))' in a string")
        }
    }

    /// The code unit of the `\uXXXX` escape at `start`.
    private func hexEscape(at start: Int) throws(JSONSyntaxError) -> UInt32 {
        guard start + 6 <= input.count else {
            throw JSONSyntaxError(offset: start, problem: "incomplete escape '\(text(start..<input.count))' in a string")
        }
        var unit: UInt32 = 0
        for offset in 2..<6 {
            guard let digit = Self.hexValue(input[start + offset]) else {
                throw JSONSyntaxError(offset: start, problem: "invalid escape '\(text(start..<start + 6))' in a string")
            }
            unit = unit << 4 | digit
        }
        return unit
    }

    static func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt32(byte - UInt8(ascii: "A") + 10)
        default: return nil
        }
    }

    // MARK: - Duplicate keys

    private func checkUnique(key: Int, object: Int, previousCount: Int, seenKeys: inout Set<[UInt8]>?) throws(JSONSyntaxError) {
        let source = input
        let isDuplicate = nodes.withUnsafeBufferPointer { nodeBuffer -> Bool in
            let tape = JSONTape(nodes: nodeBuffer, source: source)
            if previousCount < 32 {
                let new = nodeBuffer[key]
                var member = object + 1
                for _ in 0..<previousCount {
                    let old = nodeBuffer[member]
                    // Keys without escapes and of different lengths differ; most keys do.
                    let mayBeEqual = old.end - old.start == new.end - new.start
                        || old.flags.union(new.flags).contains(.hasEscapes)
                    if mayBeEqual, tape.stringsEqual(member, key) { return true }
                    member = nodeBuffer[member + 1].next
                }
                return false
            }
            if seenKeys == nil {
                var keys = Set<[UInt8]>()
                var member = object + 1
                for _ in 0..<previousCount {
                    keys.insert(tape.decodedBytes(ofString: member))
                    member = nodeBuffer[member + 1].next
                }
                seenKeys = keys
            }
            return !seenKeys!.insert(tape.decodedBytes(ofString: key)).inserted
        }
        guard isDuplicate else { return }
        let name = nodes.withUnsafeBufferPointer { JSONTape(nodes: $0, source: source).decodedBytes(ofString: key) }
        throw JSONSyntaxError(offset: nodes[key].start, problem: "duplicate key \(IssueText.quoted(name))")
    }

    // MARK: - Numbers

    private mutating func parseNumber() throws(JSONSyntaxError) {
        let start = position
        var negative = false
        if input[position] == UInt8(ascii: "-") {
            negative = true
            position += 1
            guard position < input.count, isDigit(input[position]) else {
                if position < input.count, isWordByte(input[position]) { throw invalidWord(from: start) }
                throw JSONSyntaxError(offset: start, problem: "'-' is not a number")
            }
        }
        // Up to 19 significant digits go into the mantissa; further ones only move the exponent
        // (and send the value to the exact, slower conversion).
        var mantissa: UInt64 = 0
        var significantDigits = 0
        var exponent = 0
        var isExact = true
        var isInteger = true

        if input[position] == UInt8(ascii: "0") {
            position += 1
            if position < input.count, isDigit(input[position]) {
                while position < input.count, isDigit(input[position]) { position += 1 }
                throw JSONSyntaxError(offset: start, problem: "number '\(text(start..<position))' has a leading zero")
            }
        } else {
            while position < input.count, isDigit(input[position]) {
                accumulate(input[position], mantissa: &mantissa, digits: &significantDigits, exponent: &exponent, exact: &isExact, inFraction: false)
                position += 1
            }
        }
        if position < input.count, input[position] == UInt8(ascii: ".") {
            isInteger = false
            position += 1
            guard position < input.count, isDigit(input[position]) else {
                throw JSONSyntaxError(offset: start, problem: "number '\(text(start..<position))' has no digits after the decimal point")
            }
            while position < input.count, isDigit(input[position]) {
                accumulate(input[position], mantissa: &mantissa, digits: &significantDigits, exponent: &exponent, exact: &isExact, inFraction: true)
                position += 1
            }
        }
        if position < input.count, input[position] == UInt8(ascii: "e") || input[position] == UInt8(ascii: "E") {
            isInteger = false
            position += 1
            var exponentNegative = false
            if position < input.count, input[position] == UInt8(ascii: "+") || input[position] == UInt8(ascii: "-") {
                exponentNegative = input[position] == UInt8(ascii: "-")
                position += 1
            }
            guard position < input.count, isDigit(input[position]) else {
                throw JSONSyntaxError(offset: start, problem: "number '\(text(start..<position))' has no digits in its exponent")
            }
            var written = 0
            while position < input.count, isDigit(input[position]) {
                if written < 100_000 { written = written * 10 + Int(input[position] - UInt8(ascii: "0")) }
                position += 1
            }
            exponent += exponentNegative ? -written : written
        }
        if position < input.count, isWordByte(input[position]) {
            throw invalidWord(from: start)
        }

        var flags: JSONNode.Flags = isInteger ? .isInteger : []
        let value: Double
        if mantissa == 0 {
            value = negative ? -0.0 : 0.0
        } else if isExact, mantissa <= 1 << 53, (-22...22).contains(exponent) {
            // Both operands are exact doubles, so one multiplication or division rounds correctly
            // (Clinger's fast path).
            let scaled = exponent < 0 ? Double(mantissa) / Self.powersOfTen[-exponent] : Double(mantissa) * Self.powersOfTen[exponent]
            value = negative ? -scaled : scaled
        } else {
            value = Double(text(start..<position)) ?? .nan
        }
        if value.isInfinite {
            flags.insert(.isTooLarge)
            hasTooLargeNumber = true
        }
        nodes.append(JSONNode(kind: .number, flags: flags, start: start, end: position, next: nodes.count + 1, number: value))
    }

    @inline(__always)
    private func accumulate(_ byte: UInt8, mantissa: inout UInt64, digits: inout Int, exponent: inout Int, exact: inout Bool, inFraction: Bool) {
        let digit = UInt64(byte - UInt8(ascii: "0"))
        if digits == 0, digit == 0 {
            if inFraction { exponent -= 1 }
            return
        }
        if digits < 19 {
            mantissa = mantissa * 10 + digit
            digits += 1
            if inFraction { exponent -= 1 }
        } else {
            if digit != 0 { exact = false }
            if !inFraction { exponent += 1 }
        }
    }

    private static let powersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    // MARK: - Bytes

    @inline(__always)
    private mutating func skipWhitespace() {
        let bytes = input
        var index = position
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"): index += 1
            default:
                position = index
                return
            }
        }
        position = index
    }

    @inline(__always)
    private func isDigit(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "0") < 10 }

    /// Bytes that continue a bare word such as `NaN`, `Infinity` or `+1`.
    private func isWordByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "-"),
             UInt8(ascii: "."), UInt8(ascii: "_"):
            return true
        default:
            return false
        }
    }

    private func invalidWord(from start: Int) -> JSONSyntaxError {
        var end = start
        while end < input.count, end - start < 40, isWordByte(input[end]) { end += 1 }
        return JSONSyntaxError(offset: start, problem: "'\(text(start..<end))' is not a JSON value")
    }

    private func endOfText() -> JSONSyntaxError {
        JSONSyntaxError(offset: input.count, problem: "unexpected end of the JSON text")
    }

    private func describeByte(at index: Int) -> String {
        let byte = input[index]
        if byte == UInt8(ascii: "'") { return "a single quote" }
        if (0x21...0x7E).contains(byte) { return "'\(Character(Unicode.Scalar(byte)))'" }
        return "byte \(hexByte(byte))"
    }

    private func text(_ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: input[range]), as: UTF8.self)
    }

    private func hexByte(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        return "0x" + String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 0xF)]], as: UTF8.self)
    }

    private func codePoint(_ value: UInt32) -> String {
        let hex = String(value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }
}
