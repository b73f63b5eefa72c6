import AllianceCore
import CSystemd
import Glibc
import Synchronization

/// A datagram socket to journald that sends entries in journald's native protocol exactly as
/// `sd_journal_sendv` serializes them, but never blocks for ever: a stalled journald (stopped,
/// or too slow for a burst) makes the send wait in slices of `waitSlice`, and after
/// `stopWaiting()` a send that cannot go out at once gives up with `ECANCELED` (SPEC §6.4:
/// SIGTERM ends the daemon within `TimeoutStopSec` even while journald is stalled).
///
/// Why not `sd_journal_sendv` itself: its socket is private to libsystemd and blocking, so a
/// full socket queue (journald SIGSTOPped) leaves the caller in `sendmsg` until journald reads
/// again, and nothing can interrupt it short of a signal aimed at that thread. This socket is
/// connected, so `poll(POLLOUT)` reports whether journald's queue has room, and every send
/// uses `MSG_DONTWAIT`.
///
/// What libsystemd does and this socket does too (journal-send.c, systemd 252): one
/// `SOCK_DGRAM` socket with an 8 MiB send buffer (`SO_SNDBUFFORCE` when allowed); a field
/// without a line break as `NAME=value\n`, one with a line break as `NAME\n`, the value's
/// length as 64-bit little-endian, the value and `\n`; `SYSLOG_IDENTIFIER=` with the program's
/// short name when the entry has none; and an entry too large for one datagram
/// (`EMSGSIZE`/`ENOBUFS`) written to a sealed memfd whose descriptor is sent instead.
final class JournalSocket: Sendable {
    let path: String
    /// The connected socket, or -1 before the first send and after a failed connect. The lock
    /// also keeps concurrent senders' datagrams whole and in order.
    private let descriptor = Mutex<Int32>(-1)
    private let stopped = Atomic<Bool>(false)

    /// How long one wait for room in journald's queue lasts before the stop flag is checked.
    static let waitSlice: Int32 = 100
    /// libsystemd's SNDBUF_SIZE.
    static let sendBufferSize: Int32 = 8 << 20

    init(path: String) {
        self.path = path
    }

    deinit {
        let fd = descriptor.withLock { $0 }
        if fd >= 0 { close(fd) }
    }

    /// What became of one entry.
    enum Outcome: Equatable {
        case sent
        /// Nothing listens at `path` (connect: `ENOENT`).
        case noSocket
        case failed(errno: Int32)
    }

    private enum Connection {
        case connected(Int32)
        case notConnected(Outcome)
    }

    /// From now on, a send that would wait gives up at once with `ECANCELED`, and one that is
    /// waiting gives up within `waitSlice`. For the daemon's stop: entries not sent stay queued.
    func stopWaiting() {
        stopped.store(true, ordering: .relaxed)
    }

    var isStopped: Bool { stopped.load(ordering: .relaxed) }

    /// Sends one serialized entry (`JournalSocket.serialize`).
    func send(_ entry: [UInt8]) -> Outcome {
        descriptor.withLock { fd in
            var reconnected = false
            while true {
                if fd < 0 {
                    switch connect() {
                    case .connected(let connected): fd = connected
                    case .notConnected(let outcome): return outcome
                    }
                }
                let error = sendWaiting(entry, on: fd)
                if error == 0 { return .sent }
                guard [ECONNREFUSED, ENOTCONN, ECONNRESET].contains(error) && !reconnected else {
                    return .failed(errno: error)
                }
                // journald went away (a restart makes a new socket at the same path): connect
                // once more to whatever listens there now.
                close(fd)
                fd = -1
                reconnected = true
            }
        }
    }

    /// One entry on `fd`, waiting for room in slices until it goes out or the stop flag is
    /// set; 0 or an errno.
    private func sendWaiting(_ entry: [UInt8], on fd: Int32) -> Int32 {
        var useDescriptor = false
        var memfd: Int32 = -1
        defer { if memfd >= 0 { close(memfd) } }
        while true {
            let sent: Int
            if useDescriptor {
                sent = alliance_send_descriptor(fd, memfd, Int32(MSG_DONTWAIT) | Int32(MSG_NOSIGNAL))
            } else {
                sent = entry.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT) | Int32(MSG_NOSIGNAL)) }
            }
            if sent >= 0 { return 0 }
            let error = errno
            if error == EINTR { continue }
            if error == EAGAIN {
                if isStopped { return ECANCELED }
                var poller = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                _ = poll(&poller, 1, Self.waitSlice)
                if isStopped && poller.revents & Int16(POLLOUT) == 0 { return ECANCELED }
                continue
            }
            guard (error == EMSGSIZE || error == ENOBUFS) && !useDescriptor else { return error }
            memfd = alliance_memfd_create("journal-entry")
            guard memfd >= 0 else { return errno }
            guard writeAll(entry, to: memfd) else { return errno }
            guard alliance_memfd_seal(memfd) == 0 else { return errno }
            useDescriptor = true
        }
    }

    private func connect() -> Connection {
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return .notConnected(.failed(errno: errno)) }
        var size = Self.sendBufferSize
        // As libsystemd's fd_inc_sndbuf: the forced size needs CAP_NET_ADMIN, the plain one is
        // capped at net.core.wmem_max.
        if setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, socklen_t(MemoryLayout<Int32>.size)) != 0 {
            _ = setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            close(fd)
            return .notConnected(.failed(errno: ENAMETOOLONG))
        }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard connected == 0 else {
            let error = errno
            close(fd)
            return .notConnected(error == ENOENT ? .noSocket : .failed(errno: error))
        }
        return .connected(fd)
    }

    private func writeAll(_ bytes: [UInt8], to fd: Int32) -> Bool {
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, $0.count - written) }
            if count < 0 {
                if errno == EINTR { continue }
                return false
            }
            written += count
        }
        return true
    }

    /// The program's short name, as `program_invocation_short_name`: the last component of
    /// argv[0].
    static let programShortName: String = {
        let name = CommandLine.arguments.first ?? ""
        return name.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? name
    }()

    /// libsystemd's string_is_safe: no control character, quote, backslash or DEL.
    private static func isSafe(_ text: String) -> Bool {
        !text.isEmpty && !text.utf8.contains { $0 < 0x20 || $0 == 0x7F || $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "'") }
    }

    /// The datagram `sd_journal_sendv` sends for `fields` (names already checked).
    static func serialize(_ fields: [JournalField]) -> [UInt8] {
        var entry: [UInt8] = []
        entry.reserveCapacity(fields.reduce(64) { $0 + $1.name.utf8.count + $1.value.utf8.count + 10 })
        var hasIdentifier = false
        for field in fields {
            if field.name == "SYSLOG_IDENTIFIER" { hasIdentifier = true }
            entry.append(contentsOf: field.name.utf8)
            if field.value.utf8.contains(UInt8(ascii: "\n")) {
                entry.append(UInt8(ascii: "\n"))
                var length = UInt64(field.value.utf8.count).littleEndian
                withUnsafeBytes(of: &length) { entry.append(contentsOf: $0) }
            } else {
                entry.append(UInt8(ascii: "="))
            }
            entry.append(contentsOf: field.value.utf8)
            entry.append(UInt8(ascii: "\n"))
        }
        if !hasIdentifier && isSafe(programShortName) {
            entry.append(contentsOf: "SYSLOG_IDENTIFIER=".utf8)
            entry.append(contentsOf: programShortName.utf8)
            entry.append(UInt8(ascii: "\n"))
        }
        return entry
    }
}
