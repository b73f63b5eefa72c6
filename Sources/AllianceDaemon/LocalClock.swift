import AllianceCore
import Glibc

/// The host's clock as the core needs it: today's local calendar date (SPEC §3.1 `future-date`,
/// §5 `lapse`). The core itself never reads a clock.
public enum LocalClock {
    /// Today's date in the host's local time zone.
    public static func today() -> CalendarDate {
        var now = time(nil)
        var parts = tm()
        localtime_r(&now, &parts)
        return CalendarDate(year: Int(parts.tm_year) + 1900, month: Int(parts.tm_mon) + 1, day: Int(parts.tm_mday))
            ?? CalendarDate(dayNumber: Int(now) / 86_400)
    }
}
