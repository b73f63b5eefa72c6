/// Writes compact JSON with one spelling per value, for comparing records (SPEC §3.1 Duplicates).
///
/// Numbers are written from their parsed value, so `9`, `9.0` and `9.00` become `9`; other
/// numbers use their shortest round-trip form (`9.1`). Strings are written from their decoded
/// value with the minimal escapes, so `"A"` and `"\u0041"` are the same.
///
/// It runs once per ingested record, so it writes bytes straight into reused storage (see
/// ``text(scratch:bound:_:)``) instead of growing an array.
struct CanonicalJSONWriter {
    private let buffer: UnsafeMutableBufferPointer<UInt8>
    private(set) var count = 0
    /// Set when the text did not fit; writing then stops.
    private(set) var overflowed = false
    private var needsComma = false

    /// The most bytes one number takes (`-2.2250738585072014e-308` is 24).
    static let maxNumberLength = 26

    /// The most bytes a string of `utf8Count` bytes takes, with quotes, escapes and a comma.
    static func maxLength(ofString utf8Count: Int) -> Int { 6 * utf8Count + 3 }

    private init(buffer: UnsafeMutableBufferPointer<UInt8>) { self.buffer = buffer }

    /// Bytes that fit nearly every record; longer texts take a second pass with their bound.
    static let scratchCapacity = 1024

    /// The text `write` produces, written first to `scratch` (at least ``scratchCapacity``
    /// bytes, reused across records so that the only allocation is the string's own) and, if it
    /// does not fit, to storage of `bound()` bytes, which must be at least its length.
    @inline(__always)
    static func text(scratch: UnsafeMutableBufferPointer<UInt8>, bound: () -> Int, _ write: (inout CanonicalJSONWriter) -> Void) -> String {
        var writer = CanonicalJSONWriter(buffer: scratch)
        write(&writer)
        if !writer.overflowed { return writer.text }
        let storage = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: bound())
        defer { storage.deallocate() }
        writer = CanonicalJSONWriter(buffer: storage)
        write(&writer)
        precondition(!writer.overflowed, "canonical JSON longer than its bound")
        return writer.text
    }

    /// The fingerprint of the text `write` produces and, when `keepText`, the text itself
    /// (empty otherwise): `replay` needs only the fingerprint, and making a string of every
    /// record's canonical form would cost an allocation and a UTF-8 check each.
    static func form(
        scratch: UnsafeMutableBufferPointer<UInt8>, keepText: Bool, bound: () -> Int, _ write: (inout CanonicalJSONWriter) -> Void
    ) -> (text: String, fingerprint: RecordFingerprint) {
        var writer = CanonicalJSONWriter(buffer: scratch)
        write(&writer)
        if !writer.overflowed { return writer.form(keepText: keepText) }
        let storage = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: bound())
        defer { storage.deallocate() }
        writer = CanonicalJSONWriter(buffer: storage)
        write(&writer)
        precondition(!writer.overflowed, "canonical JSON longer than its bound")
        return writer.form(keepText: keepText)
    }

    private func form(keepText: Bool) -> (text: String, fingerprint: RecordFingerprint) {
        let bytes = UnsafeBufferPointer(rebasing: buffer[..<count])
        let (high, low) = RecordFingerprint.digest(UnsafeRawBufferPointer(bytes))
        return (keepText ? String(decoding: bytes, as: UTF8.self) : "", RecordFingerprint(high: high, low: low))
    }

    /// ``text(scratch:bound:_:)`` with scratch storage on the stack.
    static func text(bound: () -> Int, _ write: (inout CanonicalJSONWriter) -> Void) -> String {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: scratchCapacity) { scratch in
            text(scratch: scratch, bound: bound, write)
        }
    }

    private var text: String {
        String(decoding: UnsafeBufferPointer(rebasing: buffer[..<count]), as: UTF8.self)
    }

    mutating func beginObject() {
        separate()
        append(UInt8(ascii: "{"))
        needsComma = false
    }

    mutating func endObject() {
        append(UInt8(ascii: "}"))
        needsComma = true
    }

    mutating func beginArray() {
        separate()
        append(UInt8(ascii: "["))
        needsComma = false
    }

    mutating func endArray() {
        append(UInt8(ascii: "]"))
        needsComma = true
    }

    /// Literal JSON text ending where a value is expected (after `:`, `[` or `{`), such as
    /// `,"client":`. It brings its own comma, if it needs one.
    mutating func fragment(_ text: StaticString) {
        append(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
        needsComma = false
    }

    /// A member's key; the value written next belongs to it.
    mutating func key(_ name: StaticString) {
        separate()
        let length = name.utf8CodeUnitCount
        guard count + length + 3 <= buffer.count else {
            overflowed = true
            return
        }
        buffer[count] = UInt8(ascii: "\"")
        // Keys are short: a loop beats a call to memmove.
        let name = name.utf8Start
        for offset in 0..<length { buffer[count + 1 + offset] = name[offset] }
        buffer[count + length + 1] = UInt8(ascii: "\"")
        buffer[count + length + 2] = UInt8(ascii: ":")
        count += length + 3
        needsComma = false
    }

    mutating func string(_ value: String) {
        separate()
        // Most values need no escape: copy them in one pass, and start over carefully if one does.
        let copied = value.utf8.withContiguousStorageIfAvailable { utf8 -> Bool in
            guard count + utf8.count + 2 <= buffer.count, let target = buffer.baseAddress else { return false }
            var end = count
            target[end] = UInt8(ascii: "\"")
            end += 1
            for byte in utf8 {
                if byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { return false }
                target[end] = byte
                end += 1
            }
            target[end] = UInt8(ascii: "\"")
            count = end + 1
            return true
        }
        if copied != true {
            append(UInt8(ascii: "\""))
            for byte in value.utf8 {
                if byte >= 0x20, byte != UInt8(ascii: "\""), byte != UInt8(ascii: "\\") {
                    append(byte)
                } else {
                    appendEscaped(byte)
                }
            }
            append(UInt8(ascii: "\""))
        }
        needsComma = true
    }

    private mutating func appendEscaped(_ byte: UInt8) {
        append(UInt8(ascii: "\\"))
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): append(byte)
        case 0x0A: append(UInt8(ascii: "n"))
        case 0x0D: append(UInt8(ascii: "r"))
        case 0x09: append(UInt8(ascii: "t"))
        default:
            let hex: StaticString = "0123456789abcdef"
            append(UInt8(ascii: "u"))
            append(UInt8(ascii: "0"))
            append(UInt8(ascii: "0"))
            append(hex.utf8Start[Int(byte >> 4)])
            append(hex.utf8Start[Int(byte & 0xF)])
        }
    }

    mutating func number(_ value: Double) {
        separate()
        // Below 2^53 every integral double is an exact Int.
        if abs(value) < 9_007_199_254_740_992, Double(Int(value)) == value {
            if value < 0 { append(UInt8(ascii: "-")) }
            appendDigits(of: Int(value).magnitude)
        } else if !appendShortDecimal(value) {
            var text = value.description
            text.withUTF8 { append($0) }
        }
        needsComma = true
    }

    /// Writes `value` with 1–3 decimals when such a decimal reads back as exactly `value`
    /// (ratings like 9.1 or 5.25): Swift's shortest round-trip form without its cost.
    private mutating func appendShortDecimal(_ value: Double) -> Bool {
        let magnitude = abs(value)
        guard magnitude < 1e12 else { return false }
        // The nearest multiple of 0.001; a value with fewer decimals is one with trailing zeros.
        var scaled = UInt(magnitude * 1000 + 0.5)
        guard Double(scaled) / 1000 == magnitude else { return false }
        var decimals = 3
        while decimals > 1, scaled % 10 == 0 {
            scaled /= 10
            decimals -= 1
        }
        let (whole, fraction) = switch decimals {
        case 1: scaled.quotientAndRemainder(dividingBy: 10)
        case 2: scaled.quotientAndRemainder(dividingBy: 100)
        default: scaled.quotientAndRemainder(dividingBy: 1000)
        }
        if value < 0 { append(UInt8(ascii: "-")) }
        appendDigits(of: whole)
        append(UInt8(ascii: "."))
        appendDigits(of: fraction, minimumLength: decimals)
        return true
    }

    mutating func integer(_ value: Int) {
        separate()
        if value < 0 { append(UInt8(ascii: "-")) }
        appendDigits(of: value.magnitude)
        needsComma = true
    }

    /// The decimal digits of `value`, zero-padded to `minimumLength`.
    private mutating func appendDigits(of value: UInt, minimumLength: Int = 1) {
        var length = 1
        var rest = value
        while rest >= 10 {
            rest /= 10
            length += 1
        }
        length = max(length, minimumLength)
        guard count + length <= buffer.count else {
            overflowed = true
            return
        }
        rest = value
        for index in stride(from: count + length - 1, through: count, by: -1) {
            buffer[index] = UInt8(ascii: "0") + UInt8(rest % 10)
            rest /= 10
        }
        count += length
    }

    mutating func boolean(_ value: Bool) {
        separate()
        let word: StaticString = value ? "true" : "false"
        append(UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount))
        needsComma = true
    }

    @inline(__always)
    private mutating func separate() {
        if needsComma { append(UInt8(ascii: ",")) }
    }

    @inline(__always)
    private mutating func append(_ byte: UInt8) {
        guard count < buffer.count else {
            overflowed = true
            return
        }
        buffer[count] = byte
        count += 1
    }

    @inline(__always)
    private mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard count + bytes.count <= buffer.count else {
            overflowed = true
            return
        }
        copy(bytes, to: count)
        count += bytes.count
    }

    /// Copies `bytes` to `offset`, which the caller has checked they fit at.
    @inline(__always)
    private func copy(_ bytes: UnsafeBufferPointer<UInt8>, to offset: Int) {
        guard let source = bytes.baseAddress, let target = buffer.baseAddress else { return }
        (target + offset).update(from: source, count: bytes.count)
    }
}
