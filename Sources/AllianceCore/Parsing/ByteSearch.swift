/// Finding line breaks in large buffers eight bytes at a time.
public enum ByteSearch {
    /// The index of the first `\n` at or after `start`, or `bytes.count`.
    @inline(__always)
    public static func nextLineBreak(in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var index = start
        if let base = bytes.baseAddress {
            let raw = UnsafeRawPointer(base)
            let ones: UInt64 = 0x0101_0101_0101_0101
            let pattern = ones &* UInt64(UInt8(ascii: "\n"))
            while index + 8 <= bytes.count {
                let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)) ^ pattern
                // A zero byte in `word` is a line break; this test has no false negatives.
                if (word &- ones) & ~word & (ones << 7) != 0 { break }
                index += 8
            }
        }
        while index < bytes.count, bytes[index] != UInt8(ascii: "\n") { index += 1 }
        return index
    }

    /// The number of `\n` in `bytes`.
    public static func lineBreakCount(in bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var count = 0
        var index = nextLineBreak(in: bytes, from: 0)
        while index < bytes.count {
            count += 1
            index = nextLineBreak(in: bytes, from: index + 1)
        }
        return count
    }
}
