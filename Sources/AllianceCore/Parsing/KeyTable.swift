/// Finds a name among a fixed set by comparing bytes, so that keys and markers are matched
/// without making a `String` for each.
///
/// Every record has a dozen keys, so lookup is tuned: names are grouped by length and their
/// first 16 bytes packed into two integers, so a candidate costs two comparisons.
struct KeyTable: Sendable {
    private struct Entry: Sendable {
        var low: UInt64
        var high: UInt64
        var index: Int
    }

    private let names: [[UInt8]]
    /// Entries ordered by name length.
    private let entries: [Entry]
    /// `entries[bucketStarts[n]..<bucketStarts[n + 1]]` are the names of byte length n.
    private let bucketStarts: [Int]

    init(_ names: [String]) {
        let bytes = names.map { Array($0.utf8) }
        let longest = bytes.map(\.count).max() ?? 0
        var entries: [Entry] = []
        var starts: [Int] = []
        for length in 0...longest {
            starts.append(entries.count)
            for (index, name) in bytes.enumerated() where name.count == length {
                let packed = name.withUnsafeBufferPointer { Self.pack($0) }
                entries.append(Entry(low: packed.low, high: packed.high, index: index))
            }
        }
        starts.append(entries.count)
        self.names = bytes
        self.entries = entries
        bucketStarts = starts
    }

    /// The position of `key` in the names the table was made from; `readable` as for ``pack``.
    @inline(__always)
    func index(of key: UnsafeBufferPointer<UInt8>, readable: Int = 0) -> Int? {
        let length = key.count
        guard length + 1 < bucketStarts.count else { return nil }
        let packed = Self.pack(key, readable: readable)
        for position in bucketStarts[length]..<bucketStarts[length + 1] {
            let entry = entries[position]
            guard entry.low == packed.low, entry.high == packed.high else { continue }
            if length <= 16 { return entry.index }
            let matches = names[entry.index].withUnsafeBufferPointer { JSONTape.equal($0, key) }
            if matches { return entry.index }
        }
        return nil
    }

    /// The first 16 bytes as two little-endian integers, zero-padded. `readable` is how many
    /// bytes from the key's start may be read (keys are followed by more JSON text), which lets
    /// the common case load two words instead of looping over bytes.
    @inline(__always)
    static func pack(_ bytes: UnsafeBufferPointer<UInt8>, readable: Int = 0) -> (low: UInt64, high: UInt64) {
        let length = bytes.count
        if readable >= 16, length <= 16, let start = bytes.baseAddress {
            let raw = UnsafeRawPointer(start)
            var low = UInt64(littleEndian: raw.loadUnaligned(as: UInt64.self))
            var high = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
            if length < 8 {
                low &= (1 << (UInt64(length) * 8)) &- 1
                high = 0
            } else if length < 16 {
                high &= (1 << (UInt64(length - 8) * 8)) &- 1
            }
            return (low, high)
        }
        var low: UInt64 = 0
        var high: UInt64 = 0
        for offset in 0..<min(length, 16) {
            if offset < 8 {
                low |= UInt64(bytes[offset]) << (offset * 8)
            } else {
                high |= UInt64(bytes[offset]) << ((offset - 8) * 8)
            }
        }
        return (low, high)
    }
}
