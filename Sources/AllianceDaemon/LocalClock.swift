import AllianceCore
import Glibc
import Synchronization

/// A local calendar date and hour: what the digest's hour check (SPEC §6.5) and the dates of
/// SPEC §3.1 `future-date` and §5 `lapse` need of the wall clock.
public struct LocalTime: Hashable, Sendable {
    public var date: CalendarDate
    /// 0–23.
    public var hour: Int

    public init(date: CalendarDate, hour: Int) {
        self.date = date
        self.hour = hour
    }
}

/// The daemon's clocks, one value so that a test can move both together: the local wall time,
/// and a monotonic time for its timers (the hourly lapse and digest check).
public protocol DaemonClock: Sendable {
    /// Now, in the host's local time zone.
    func localTime() -> LocalTime
    /// Monotonic time since an arbitrary origin; never goes back.
    func monotonic() -> Duration
    /// The longest the daemon may wait for spool events before it looks at this clock again:
    /// nil for a clock that only moves with real time (the wait is then the time until the
    /// next timer is due); a short real time for a clock a test moves.
    var maximumWait: Duration? { get }
}

/// The host's clock as the core needs it: today's local calendar date (SPEC §3.1 `future-date`,
/// §5 `lapse`). The core itself never reads a clock.
public enum LocalClock {
    /// Today's date in the host's local time zone.
    public static func today() -> CalendarDate { SystemClock().localTime().date }
}

/// The real clocks: `localtime_r` and `ContinuousClock`.
public struct SystemClock: DaemonClock {
    private static let origin = ContinuousClock.now

    public init() {}

    public func localTime() -> LocalTime {
        var now = time(nil)
        var parts = tm()
        localtime_r(&now, &parts)
        let date = CalendarDate(year: Int(parts.tm_year) + 1900, month: Int(parts.tm_mon) + 1, day: Int(parts.tm_mday))
            ?? CalendarDate(dayNumber: Int(now) / 86_400)
        return LocalTime(date: date, hour: Int(parts.tm_hour))
    }

    public func monotonic() -> Duration { ContinuousClock.now - Self.origin }

    public var maximumWait: Duration? { nil }
}

/// A clock that moves only when told, for tests of the daemon's timers: it starts at a given
/// local date and hour, and `advance(by:)` moves the wall time and the monotonic time together.
public final class ManualClock: DaemonClock {
    private let state: Mutex<(start: LocalTime, elapsed: Duration)>

    public init(_ start: LocalTime) { state = Mutex((start, .zero)) }

    public func advance(by duration: Duration) { state.withLock { $0.elapsed += duration } }

    public func localTime() -> LocalTime {
        state.withLock { value in
            let seconds = Int(value.elapsed.components.seconds) + value.start.hour * 3600
            return LocalTime(date: value.start.date.adding(days: seconds / 86_400), hour: (seconds % 86_400) / 3600)
        }
    }

    public func monotonic() -> Duration { state.withLock { $0.elapsed } }

    public var maximumWait: Duration? { .milliseconds(20) }
}
