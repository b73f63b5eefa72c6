/// The record dates of SPEC §3.1: an RFC 3339 `full-date` (`2026-11-20`) or `date-time` with an
/// uppercase `T`, optional seconds and fraction, and a required `Z` or `±HH:MM` offset.
///
/// The session's date is the calendar date as written; the time and offset are checked but do
/// not move it to another day.
enum RFC3339Date {
    enum Parsed: Equatable {
        case date(CalendarDate)
        /// Not shaped like a full-date or date-time.
        case notRFC3339
        /// Shaped right, but no such day (`2026-02-30`).
        case notARealDate
        /// Shaped right, but no such time or offset (`25:00`, `+24:00`).
        case notARealTime
    }

    static func parse(_ text: UnsafeBufferPointer<UInt8>) -> Parsed {
        guard text.count >= 10,
              let year = number(text, 0, 4), text[4] == UInt8(ascii: "-"),
              let month = number(text, 5, 2), text[7] == UInt8(ascii: "-"),
              let day = number(text, 8, 2)
        else { return .notRFC3339 }

        var timeIsReal = true
        if text.count > 10 {
            guard text[10] == UInt8(ascii: "T"), text.count >= 17,
                  let hour = number(text, 11, 2), text[13] == UInt8(ascii: ":"),
                  let minute = number(text, 14, 2)
            else { return .notRFC3339 }
            timeIsReal = hour <= 23 && minute <= 59
            var index = 16
            if text[index] == UInt8(ascii: ":") {
                guard let second = number(text, index + 1, 2) else { return .notRFC3339 }
                timeIsReal = timeIsReal && second <= 60 // 60: a leap second
                index += 3
                if index < text.count, text[index] == UInt8(ascii: ".") {
                    index += 1
                    let fractionStart = index
                    while index < text.count, isDigit(text[index]) { index += 1 }
                    guard index > fractionStart else { return .notRFC3339 }
                }
            }
            guard index < text.count else { return .notRFC3339 }
            switch text[index] {
            case UInt8(ascii: "Z"):
                index += 1
            case UInt8(ascii: "+"), UInt8(ascii: "-"):
                guard let offsetHour = number(text, index + 1, 2), index + 3 < text.count,
                      text[index + 3] == UInt8(ascii: ":"), let offsetMinute = number(text, index + 4, 2)
                else { return .notRFC3339 }
                timeIsReal = timeIsReal && offsetHour <= 23 && offsetMinute <= 59
                index += 6
            default:
                return .notRFC3339
            }
            guard index == text.count else { return .notRFC3339 }
        }
        guard let date = CalendarDate(year: year, month: month, day: day) else { return .notARealDate }
        return timeIsReal ? .date(date) : .notARealTime
    }

    /// The decimal value of `length` digits at `start`, or nil when any is not a digit.
    private static func number(_ text: UnsafeBufferPointer<UInt8>, _ start: Int, _ length: Int) -> Int? {
        guard start + length <= text.count else { return nil }
        var value = 0
        for index in start..<(start + length) {
            guard isDigit(text[index]) else { return nil }
            value = value * 10 + Int(text[index] - UInt8(ascii: "0"))
        }
        return value
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "0") < 10 }
}
