/// Tells the service manager about the daemon's state (systemd `Type=notify`), so that
/// `READY=1` means truly ready and a stuck ingest loop is caught by the watchdog.
public protocol ServiceNotifier: Sendable {
    /// Sends the notifications as one message (`READY=1` and `STATUS=…` arrive together).
    @discardableResult
    func notify(_ notifications: [ServiceNotification]) -> ServiceNotifyResult

    /// How often the service manager expects `WATCHDOG=1` at the latest (`WatchdogSec=`), or nil
    /// when no watchdog is enabled for this process. Send at about half this interval.
    var watchdogInterval: Duration? { get }
}

extension ServiceNotifier {
    @discardableResult
    public func notify(_ notifications: ServiceNotification...) -> ServiceNotifyResult {
        notify(notifications)
    }
}

/// One `sd_notify` assignment.
public enum ServiceNotification: Hashable, Sendable {
    /// `READY=1`: start-up (or a reload) has finished.
    case ready
    /// `STATUS=…`: a one-line state for `systemctl status`; newlines become spaces.
    case status(String)
    /// `WATCHDOG=1`: the ingest loop is making progress.
    case watchdog
    /// `RELOADING=1` with `MONOTONIC_USEC=` (required by `Type=notify-reload`, systemd ≥ 253;
    /// ignored before). Send `.ready` when the reload is done.
    case reloading
    /// `STOPPING=1`: graceful shutdown has begun.
    case stopping

    /// The `KEY=value` lines, given the monotonic clock in microseconds for `.reloading`.
    func assignments(monotonicMicroseconds: UInt64) -> [String] {
        switch self {
        case .ready: return ["READY=1"]
        case let .status(text):
            let oneLine = String(text.map { $0.isNewline ? " " : $0 })
            return ["STATUS=" + oneLine]
        case .watchdog: return ["WATCHDOG=1"]
        case .reloading: return ["RELOADING=1", "MONOTONIC_USEC=\(monotonicMicroseconds)"]
        case .stopping: return ["STOPPING=1"]
        }
    }
}

/// What became of a notification.
public enum ServiceNotifyResult: Hashable, Sendable {
    /// The service manager's socket received it.
    case sent
    /// Not started by a service manager (`NOTIFY_SOCKET` unset): nothing to tell.
    case notSupervised
    case failed(errno: Int32)
}
