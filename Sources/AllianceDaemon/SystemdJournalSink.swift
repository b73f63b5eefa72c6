import AllianceCore
import CSystemd
import Glibc

/// Writes entries to the systemd journal with `sd_journal_sendv`, or — when no journal socket
/// exists — to standard error as the SPEC §6.3 fallback line.
///
/// `sd_journal_sendv` returns 0 and silently discards the entry when the socket does not exist,
/// so the sink checks for the socket itself before each send (one `stat`, about a microsecond;
/// journald may appear after the daemon started). A socket file left behind by a dead journald
/// makes `sd_journal_sendv` fail with `ECONNREFUSED`, which is reported as `.failed`.
public struct SystemdJournalSink: JournalSink {
    /// Where journald listens for native entries; `sd_journal_sendv` always uses this path.
    public static let defaultSocketPath = "/run/systemd/journal/socket"

    /// The socket whose existence decides between the journal and the fallback. Only tests
    /// change it: `sd_journal_sendv` itself always sends to `defaultSocketPath`.
    public var socketPath: String
    /// Where fallback lines go; standard error unless a test passes a pipe.
    public var fallbackDescriptor: Int32

    public init(socketPath: String = SystemdJournalSink.defaultSocketPath, fallbackDescriptor: Int32 = STDERR_FILENO) {
        self.socketPath = socketPath
        self.fallbackDescriptor = fallbackDescriptor
    }

    public func send(_ fields: [JournalField]) -> JournalSendResult {
        // journald skips fields with invalid names without telling the sender.
        guard !fields.isEmpty, fields.allSatisfy({ Self.isValidFieldName($0.name) }) else {
            return .failed(errno: EINVAL)
        }
        guard socketExists() else {
            return writeFallbackLine(fields)
        }
        let result = Self.sendv(fields)
        return result < 0 ? .failed(errno: -result) : .sentToJournal
    }

    /// Whether `socketPath` is a socket.
    public func socketExists() -> Bool {
        var status = stat()
        return stat(socketPath, &status) == 0 && (status.st_mode & S_IFMT) == S_IFSOCK
    }

    /// A name journald accepts from a client: `A–Z`, `0–9`, `_`, not starting with a digit or
    /// `_` (those are trusted fields), at most 64 characters.
    public static func isValidFieldName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard let first = bytes.first, bytes.count <= 64, first != UInt8(ascii: "_"),
              !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) else { return false }
        return bytes.allSatisfy { byte in
            (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "_")
        }
    }

    /// One `sd_journal_sendv` call; 0 or `-errno`. Values go as raw bytes, so multi-line values
    /// arrive intact.
    static func sendv(_ fields: [JournalField]) -> Int32 {
        let buffers: [UnsafeMutableRawBufferPointer] = fields.map { field in
            let bytes = Array("\(field.name)=\(field.value)".utf8)
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 1)
            buffer.copyBytes(from: bytes)
            return buffer
        }
        defer { for buffer in buffers { buffer.deallocate() } }
        let vectors = buffers.map { iovec(iov_base: $0.baseAddress, iov_len: $0.count) }
        return vectors.withUnsafeBufferPointer { sd_journal_sendv($0.baseAddress, Int32($0.count)) }
    }

    private func writeFallbackLine(_ fields: [JournalField]) -> JournalSendResult {
        let line = Array((JournalFallbackLine.format(fields) + "\n").utf8)
        // One write for the whole line keeps concurrent lines from interleaving on a pipe.
        var written = 0
        while written < line.count {
            let count = line.withUnsafeBytes { bytes in
                write(fallbackDescriptor, bytes.baseAddress! + written, bytes.count - written)
            }
            if count < 0 {
                if errno == EINTR { continue }
                return .failed(errno: errno)
            }
            written += count
        }
        return .wroteToStandardError
    }
}
