/// Read access to a parsed JSON text: its node tape and the bytes the nodes point into.
///
/// Only valid inside the `withUnsafeBufferPointer` scopes that produced the two buffers.
struct JSONTape {
    let nodes: UnsafeBufferPointer<JSONNode>
    let source: UnsafeBufferPointer<UInt8>

    @inline(__always)
    subscript(index: Int) -> JSONNode { nodes[index] }

    /// The bytes between a string's quotes, escapes not decoded.
    @inline(__always)
    func rawBytes(ofString index: Int) -> UnsafeBufferPointer<UInt8> {
        let node = nodes[index]
        return UnsafeBufferPointer(rebasing: source[(node.start + 1)..<(node.end - 1)])
    }

    /// A string's value as UTF-8 bytes, escapes decoded.
    func decodedBytes(ofString index: Int) -> [UInt8] {
        let raw = rawBytes(ofString: index)
        guard nodes[index].flags.contains(.hasEscapes) else { return Array(raw) }
        return Self.decodeEscapes(raw)
    }

    /// Calls `body` with a string's decoded bytes, copying only when it has escapes.
    @inline(__always)
    func withBytes<Result>(ofString index: Int, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        if nodes[index].flags.contains(.hasEscapes) {
            return Self.decodeEscapes(rawBytes(ofString: index)).withUnsafeBufferPointer(body)
        }
        return body(rawBytes(ofString: index))
    }

    /// A string's value.
    func string(_ index: Int) -> String {
        withBytes(ofString: index) { String(decoding: $0, as: UTF8.self) }
    }

    /// Whether two strings have the same value.
    func stringsEqual(_ first: Int, _ second: Int) -> Bool {
        let escaped = nodes[first].flags.union(nodes[second].flags).contains(.hasEscapes)
        if escaped { return decodedBytes(ofString: first) == decodedBytes(ofString: second) }
        return Self.equal(rawBytes(ofString: first), rawBytes(ofString: second))
    }

    /// The value's text as written.
    func text(_ index: Int) -> String {
        let node = nodes[index]
        return String(decoding: UnsafeBufferPointer(rebasing: source[node.start..<node.end]), as: UTF8.self)
    }

    /// The value's text with the whitespace between tokens removed, so that a record written
    /// over several lines of a `.json` file fits on one line of `NAME.rejected.jsonl`.
    func compactText(_ index: Int) -> String {
        let node = nodes[index]
        var bytes: [UInt8] = []
        bytes.reserveCapacity(node.end - node.start)
        var inString = false
        var escaped = false
        for byte in source[node.start..<node.end] {
            if inString {
                bytes.append(byte)
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"):
                continue
            case UInt8(ascii: "\""):
                inString = true
                bytes.append(byte)
            default:
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Index of an object's first key (its members are key, value pairs), or of an array's first element.
    @inline(__always)
    func firstChild(_ index: Int) -> Int { index + 1 }

    /// Index of the key after the member whose key is at `key`.
    @inline(__always)
    func nextMember(afterKey key: Int) -> Int { nodes[key + 1].next }

    @inline(__always)
    static func equal(_ first: UnsafeBufferPointer<UInt8>, _ second: UnsafeBufferPointer<UInt8>) -> Bool {
        guard first.count == second.count else { return false }
        for index in 0..<first.count where first[index] != second[index] { return false }
        return true
    }

    /// Decodes the escapes of a string already checked by ``JSONParser``.
    static func decodeEscapes(_ raw: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(raw.count)
        var index = 0
        while index < raw.count {
            let byte = raw[index]
            guard byte == UInt8(ascii: "\\") else {
                bytes.append(byte)
                index += 1
                continue
            }
            let escape = raw[index + 1]
            index += 2
            switch escape {
            case UInt8(ascii: "b"): bytes.append(0x08)
            case UInt8(ascii: "f"): bytes.append(0x0C)
            case UInt8(ascii: "n"): bytes.append(0x0A)
            case UInt8(ascii: "r"): bytes.append(0x0D)
            case UInt8(ascii: "t"): bytes.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = hexUnit(raw, at: index)
                index += 4
                if (0xD800...0xDBFF).contains(scalar) {
                    let low = hexUnit(raw, at: index + 2)
                    index += 6
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                }
                appendUTF8(scalar, to: &bytes)
            default: bytes.append(escape)
            }
        }
        return bytes
    }

    private static func hexUnit(_ raw: UnsafeBufferPointer<UInt8>, at index: Int) -> UInt32 {
        var unit: UInt32 = 0
        for offset in 0..<4 { unit = unit << 4 | (JSONParser.hexValue(raw[index + offset]) ?? 0) }
        return unit
    }

    private static func appendUTF8(_ scalar: UInt32, to bytes: inout [UInt8]) {
        switch scalar {
        case 0..<0x80:
            bytes.append(UInt8(scalar))
        case 0x80..<0x800:
            bytes.append(UInt8(0xC0 | scalar >> 6))
            bytes.append(UInt8(0x80 | scalar & 0x3F))
        case 0x800..<0x10000:
            bytes.append(UInt8(0xE0 | scalar >> 12))
            bytes.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            bytes.append(UInt8(0x80 | scalar & 0x3F))
        default:
            bytes.append(UInt8(0xF0 | scalar >> 18))
            bytes.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            bytes.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            bytes.append(UInt8(0x80 | scalar & 0x3F))
        }
    }
}
