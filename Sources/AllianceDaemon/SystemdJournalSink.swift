import AllianceCore
import CSystemd
import Glibc

/// Writes entries to the systemd journal in journald's native protocol, byte for byte what
/// `sd_journal_sendv` sends (`JournalSocket`), or — when no journal socket exists — to standard
/// error as the SPEC §6.3 fallback line.
///
/// The sink checks for the socket before each send (one `stat`, about a microsecond; journald
/// may appear after the daemon started), because libsystemd's way is to discard the entry
/// silently when it is missing. A socket file left behind by a dead journald fails with
/// `ECONNREFUSED`, reported as `.failed`. A stalled journald makes a send wait until journald
/// reads again or `stopWaiting()` is called; then it fails with `ECANCELED`.
public struct SystemdJournalSink: JournalSink {
    /// Where journald listens for native entries (and where `sd_journal_sendv` sends).
    public static let defaultSocketPath = "/run/systemd/journal/socket"

    /// The journal socket: its existence decides between the journal and the fallback, and
    /// entries go to it. Only tests change it.
    public let socketPath: String
    /// Where fallback lines go; standard error unless a test passes a pipe.
    public var fallbackDescriptor: Int32
    private let connection: JournalSocket

    public init(socketPath: String = SystemdJournalSink.defaultSocketPath, fallbackDescriptor: Int32 = STDERR_FILENO) {
        self.socketPath = socketPath
        self.fallbackDescriptor = fallbackDescriptor
        connection = JournalSocket(path: socketPath)
    }

    /// Sends that would wait for a stalled journald give up from now on (`ECANCELED`); the
    /// daemon calls it on SIGTERM so that it stops within `TimeoutStopSec`. Copies of this
    /// sink share the flag.
    public func stopWaiting() {
        connection.stopWaiting()
    }

    public func send(_ fields: [JournalField]) -> JournalSendResult {
        // journald skips fields with invalid names without telling the sender.
        guard !fields.isEmpty, fields.allSatisfy({ Self.isValidFieldName($0.name) }) else {
            return .failed(errno: EINVAL)
        }
        guard socketExists() else {
            return writeFallbackLine(fields)
        }
        switch connection.send(JournalSocket.serialize(fields)) {
        case .sent: return .sentToJournal
        case .noSocket: return writeFallbackLine(fields)
        case .failed(let error): return .failed(errno: error)
        }
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

    /// One `sd_journal_sendv` call; 0 or `-errno`. The sink does not use it (it blocks while
    /// journald is stalled); tests compare it with `JournalSocket`'s datagrams.
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
