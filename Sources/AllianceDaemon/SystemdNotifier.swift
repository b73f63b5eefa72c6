import CSystemd
import Glibc

/// `ServiceNotifier` over `sd_notify` and `sd_watchdog_enabled` (reads `NOTIFY_SOCKET`,
/// `WATCHDOG_USEC` and `WATCHDOG_PID` from the environment; leaves them set for reuse).
public struct SystemdNotifier: ServiceNotifier {
    public init() {}

    public func notify(_ notifications: [ServiceNotification]) -> ServiceNotifyResult {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let microseconds = UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1_000
        let state = notifications.flatMap { $0.assignments(monotonicMicroseconds: microseconds) }.joined(separator: "\n")
        let result = sd_notify(0, state)
        if result > 0 { return .sent }
        if result == 0 { return .notSupervised }
        return .failed(errno: -result)
    }

    public var watchdogInterval: Duration? {
        var microseconds: UInt64 = 0
        guard sd_watchdog_enabled(0, &microseconds) > 0, microseconds > 0 else { return nil }
        return .microseconds(Int64(clamping: microseconds))
    }
}
