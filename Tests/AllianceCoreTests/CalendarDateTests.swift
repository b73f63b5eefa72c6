import Testing
@testable import AllianceCore

@Test(arguments: [
    ("1970-01-01", 0), ("2026-11-20", 20_777), ("2000-02-29", 11_016), ("1969-12-31", -1),
])
func calendarDateRoundTrips(text: String, dayNumber: Int) {
    let date = CalendarDate(dayNumber: dayNumber)
    #expect(date.description == text)
    #expect(date.dayNumber == dayNumber)
}

@Test func calendarDateRejectsImpossibleDays() {
    #expect(CalendarDate(year: 2026, month: 2, day: 29) == nil)
    #expect(CalendarDate(year: 2024, month: 2, day: 29) != nil)
    #expect(CalendarDate(year: 2026, month: 4, day: 31) == nil)
    #expect(CalendarDate(year: 2026, month: 13, day: 1) == nil)
}
