import AllianceCore
import Foundation

/// The stored form of a client's engine state: a compact binary encoding written by hand.
///
/// JSON through `JSONEncoder` took about a third of the daemon's time per file (a 10-session
/// state is 2.4 KB of JSON and costs over 100 µs each way); this form is a few hundred bytes
/// and costs a few microseconds. The first byte is the format version; a reader refuses any
/// other, so a future change is a new version plus a migration, never a silent misread.
///
/// Version 2 adds each series entry's session number and marker flags; version 1 states are
/// still read (their entries have no session number) and are written as version 2 when saved.
enum ClientStateCodec {
    static let version: UInt8 = 2

    struct CorruptState: Error, CustomStringConvertible {
        var description: String
    }

    static func encode(_ state: ClientState) -> [UInt8] {
        var writer = ByteWriter()
        writer.byte(version)
        writer.string(state.client)
        writer.optional(state.profile.substanceUse) { $0.bool($1) }
        writer.optional(state.profile.diagnoses) { writer, list in
            writer.int(list.count)
            for code in list { writer.string(code) }
        }
        writer.optional(state.profile.motivation) { writer, motivation in
            writer.optional(motivation.ruler) { $0.double($1) }
            writer.optional(motivation.urica) { $0.double($1) }
            writer.optional(motivation.level) { $0.string($1.rawValue) }
        }
        writer.int(state.episodes.count)
        for (name, episode) in state.episodes.sorted(by: { $0.key < $1.key }) {
            writer.string(name)
            writer.int(episode.sessions.count)
            for session in episode.sessions {
                writer.int(session.session)
                writer.uint64(session.fingerprint.high)
                writer.uint64(session.fingerprint.low)
                writer.priority(session.alertPriority)
            }
            writer.series(episode.srs)
            writer.series(episode.waiSR)
            writer.optional(episode.firstORS) { $0.double($1) }
            writer.bool(episode.previousORSDeclined)
        }
        writer.optional(state.latest) { writer, latest in
            writer.int(latest.date.dayNumber)
            writer.string(latest.episode)
            writer.int(latest.session)
            writer.optional(latest.clinician) { $0.string($1) }
            writer.string(latest.recordID)
            writer.string(latest.source)
            writer.bool(latest.episodeEnd)
            writer.priority(latest.alertPriority)
            writer.bool(latest.lapseReported)
        }
        return writer.bytes
    }

    /// The stored state of `client` from its `clients.state` column; a value that cannot be read
    /// is reported as `StateStoreError.corruptValue` naming the table and the client.
    static func decodeStored(_ data: Data, client: String) throws -> ClientState {
        do {
            return try decode([UInt8](data))
        } catch {
            throw StateStoreError.corruptValue(table: "clients", key: client, reason: "\(error)")
        }
    }

    static func decode(_ bytes: [UInt8]) throws(CorruptState) -> ClientState {
        var reader = ByteReader(bytes: bytes)
        let found = try reader.byte()
        guard found == version || found == 1 else { throw CorruptState(description: "unknown state format version \(found)") }
        reader.version = found
        var state = ClientState(client: try reader.string())
        state.profile.substanceUse = try reader.optional { reader throws(CorruptState) in try reader.bool() }
        state.profile.diagnoses = try reader.optional { reader throws(CorruptState) in
            var list: [String] = []
            for _ in 0..<(try reader.count()) { list.append(try reader.string()) }
            return list
        }
        state.profile.motivation = try reader.optional { reader throws(CorruptState) in
            let ruler = try reader.optional { reader throws(CorruptState) in try reader.double() }
            let urica = try reader.optional { reader throws(CorruptState) in try reader.double() }
            let level = try reader.optional { reader throws(CorruptState) -> Motivation.Level in
                let text = try reader.string()
                guard let level = Motivation.Level(rawValue: text) else { throw CorruptState(description: "unknown motivation level '\(text)'") }
                return level
            }
            return Motivation(ruler: ruler, urica: urica, level: level)
        }
        for _ in 0..<(try reader.count()) {
            let name = try reader.string()
            var episode = EpisodeState()
            for _ in 0..<(try reader.count()) {
                let number = try reader.int()
                let fingerprint = RecordFingerprint(high: try reader.uint64(), low: try reader.uint64())
                episode.sessions.append(StoredSession(session: number, fingerprint: fingerprint, alertPriority: try reader.priority()))
            }
            episode.srs = try reader.series()
            episode.waiSR = try reader.series()
            episode.firstORS = try reader.optional { reader throws(CorruptState) in try reader.double() }
            episode.previousORSDeclined = try reader.bool()
            state.episodes[name] = episode
        }
        state.latest = try reader.optional { reader throws(CorruptState) in
            let date = CalendarDate(dayNumber: try reader.int())
            let episode = try reader.string()
            let session = try reader.int()
            let clinician = try reader.optional { reader throws(CorruptState) in try reader.string() }
            var latest = LatestSession(
                date: date, episode: episode, session: session, clinician: clinician,
                recordID: try reader.string(), source: try reader.string(), episodeEnd: try reader.bool(),
                alertPriority: try reader.priority()
            )
            latest.lapseReported = try reader.bool()
            return latest
        }
        guard reader.isAtEnd else { throw CorruptState(description: "\(bytes.count - reader.offset) unexpected bytes after the state") }
        return state
    }
}

/// Little-endian fields, LEB128 integers (zig-zag for signed), length-prefixed UTF-8 strings.
struct ByteWriter {
    var bytes: [UInt8] = []

    init() { bytes.reserveCapacity(256) }

    mutating func byte(_ value: UInt8) { bytes.append(value) }
    mutating func bool(_ value: Bool) { bytes.append(value ? 1 : 0) }

    mutating func unsigned(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    mutating func int(_ value: Int) {
        let signed = Int64(value)
        unsigned(UInt64(bitPattern: (signed << 1) ^ (signed >> 63)))
    }

    mutating func uint64(_ value: UInt64) {
        for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }

    mutating func double(_ value: Double) { uint64(value.bitPattern) }

    mutating func string(_ value: String) {
        int(value.utf8.count)
        bytes.append(contentsOf: value.utf8)
    }

    mutating func priority(_ value: Priority?) { bytes.append(UInt8(value?.rawValue ?? 0)) }

    mutating func optional<T>(_ value: T?, _ write: (inout ByteWriter, T) -> Void) {
        guard let value else { return bytes.append(0) }
        bytes.append(1)
        write(&self, value)
    }

    mutating func series(_ series: SeriesState) {
        int(series.entries.count)
        for entry in series.entries {
            double(entry.score)
            byte(entry.packedFlags)
            int(entry.session ?? 0)
        }
        double(series.cusum)
        byte((series.declineArmed ? 1 : 0) | (series.rigidArmed ? 2 : 0) | (series.uninvolvedArmed ? 4 : 0))
        optional(series.rupture) { writer, rupture in
            writer.double(rupture.reference)
            writer.double(rupture.spread)
            writer.int(rupture.entriesSince)
        }
    }
}

struct ByteReader {
    let bytes: [UInt8]
    var offset = 0
    /// The format version of the state being read (its first byte).
    var version: UInt8 = ClientStateCodec.version

    var isAtEnd: Bool { offset == bytes.count }

    private func truncated() -> ClientStateCodec.CorruptState {
        ClientStateCodec.CorruptState(description: "truncated state at byte \(offset)")
    }

    mutating func byte() throws(ClientStateCodec.CorruptState) -> UInt8 {
        guard offset < bytes.count else { throw truncated() }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func bool() throws(ClientStateCodec.CorruptState) -> Bool {
        switch try byte() {
        case 0: return false
        case 1: return true
        default: throw ClientStateCodec.CorruptState(description: "invalid boolean at byte \(offset - 1)")
        }
    }

    mutating func unsigned() throws(ClientStateCodec.CorruptState) -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let next = try byte()
            guard shift < 64 else { throw ClientStateCodec.CorruptState(description: "integer too long at byte \(offset)") }
            value |= UInt64(next & 0x7F) << shift
            if next < 0x80 { return value }
            shift += 7
        }
    }

    mutating func int() throws(ClientStateCodec.CorruptState) -> Int {
        let raw = try unsigned()
        return Int(Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1))))
    }

    mutating func count() throws(ClientStateCodec.CorruptState) -> Int {
        let value = try int()
        guard value >= 0, value <= bytes.count - offset else { throw ClientStateCodec.CorruptState(description: "invalid count \(value) at byte \(offset)") }
        return value
    }

    mutating func uint64() throws(ClientStateCodec.CorruptState) -> UInt64 {
        guard offset + 8 <= bytes.count else { throw truncated() }
        var value: UInt64 = 0
        for index in 0..<8 { value |= UInt64(bytes[offset + index]) << UInt64(8 * index) }
        offset += 8
        return value
    }

    mutating func double() throws(ClientStateCodec.CorruptState) -> Double { Double(bitPattern: try uint64()) }

    mutating func string() throws(ClientStateCodec.CorruptState) -> String {
        let length = try count()
        defer { offset += length }
        return String(decoding: bytes[offset..<offset + length], as: UTF8.self)
    }

    mutating func priority() throws(ClientStateCodec.CorruptState) -> Priority? {
        let raw = try byte()
        if raw == 0 { return nil }
        guard let priority = Priority(rawValue: Int(raw)) else { throw ClientStateCodec.CorruptState(description: "invalid priority \(raw)") }
        return priority
    }

    mutating func optional<T>(_ read: (inout ByteReader) throws(ClientStateCodec.CorruptState) -> T) throws(ClientStateCodec.CorruptState) -> T? {
        try bool() ? try read(&self) : nil
    }

    mutating func series() throws(ClientStateCodec.CorruptState) -> SeriesState {
        var series = SeriesState()
        for _ in 0..<(try count()) {
            let score = try double()
            // Version 1 had only the three lowest flags and no session number.
            let flags = try byte()
            let session = version >= 2 ? try int() : 0
            series.entries.append(SeriesEntry(score: score, session: session, packedFlags: version >= 2 ? flags : flags & 7))
        }
        series.cusum = try double()
        let flags = try byte()
        series.declineArmed = flags & 1 != 0
        series.rigidArmed = flags & 2 != 0
        series.uninvolvedArmed = flags & 4 != 0
        series.rupture = try optional { reader throws(ClientStateCodec.CorruptState) in
            OpenRupture(reference: try reader.double(), spread: try reader.double(), entriesSince: try reader.int())
        }
        return series
    }
}
