import Testing
@testable import AllianceCore

@Suite struct ParsingDateTests {
    private func parse(_ text: String) -> RFC3339Date.Parsed {
        Array(text.utf8).withUnsafeBufferPointer { RFC3339Date.parse($0) }
    }

    private static func day(_ year: Int, _ month: Int, _ day: Int) -> RFC3339Date.Parsed {
        .date(CalendarDate(year: year, month: month, day: day)!)
    }

    @Test(arguments: [
        ("2026-11-20", day(2026, 11, 20)),
        ("2026-11-20T14:30Z", day(2026, 11, 20)),
        ("2026-11-20T14:30:59Z", day(2026, 11, 20)),
        ("2026-11-20T14:30:59.5Z", day(2026, 11, 20)),
        ("2026-11-20T14:30:59.123456789+01:00", day(2026, 11, 20)),
        ("2026-11-20T23:59:60-23:59", day(2026, 11, 20)),
        ("2026-11-20T00:00+00:00", day(2026, 11, 20)),
        ("2000-02-29", day(2000, 2, 29)),
        ("9999-12-31", day(9999, 12, 31)),
        ("0001-01-01", day(1, 1, 1)),
        ("1900-02-29", .notARealDate),
        ("2026-04-31", .notARealDate),
        ("2026-00-10", .notARealDate),
        ("2026-01-00", .notARealDate),
        ("2026-11-20T24:00Z", .notARealTime),
        ("2026-11-20T12:60Z", .notARealTime),
        ("2026-11-20T12:00:61Z", .notARealTime),
        ("2026-11-20T12:00+12:60", .notARealTime),
        ("", .notRFC3339),
        ("2026-11-2", .notRFC3339),
        ("2026-11-200", .notRFC3339),
        ("2026/11/20", .notRFC3339),
        ("26-11-20", .notRFC3339),
        ("+2026-11-20", .notRFC3339),
        ("2026-11-20T", .notRFC3339),
        ("2026-11-20T14Z", .notRFC3339),
        ("2026-11-20T14:30", .notRFC3339),
        ("2026-11-20T14:30:00", .notRFC3339),
        ("2026-11-20t14:30Z", .notRFC3339),
        ("2026-11-20T14:30z", .notRFC3339),
        ("2026-11-20 14:30Z", .notRFC3339),
        ("2026-11-20T14:30:5Z", .notRFC3339),
        ("2026-11-20T14:30.5Z", .notRFC3339),
        ("2026-11-20T14:30:00.Z", .notRFC3339),
        ("2026-11-20T14:30:00+1:00", .notRFC3339),
        ("2026-11-20T14:30:00+01", .notRFC3339),
        ("2026-11-20T14:30:00+01:00Z", .notRFC3339),
        ("2026-11-20T14:30:00Z ", .notRFC3339),
        ("２０２６-11-20", .notRFC3339),
    ])
    func rfc3339(text: String, expected: RFC3339Date.Parsed) {
        #expect(parse(text) == expected)
    }
}
