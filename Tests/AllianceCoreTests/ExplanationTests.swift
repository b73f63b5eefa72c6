import Testing
@testable import AllianceCore

/// `replay --explain`: every quiet reason says the values it compared, and the pattern
/// alerts say which sessions showed the pattern and how.
@Suite struct ExplanationTests {
    static func srs(_ total: Double) -> SRSRatings {
        SRSRatings(relationship: total / 4, goals: total / 4, approach: total / 4, overall: total / 4)
    }

    /// Explanations per session, as `rule instrument: reason`, for SRS totals a week apart.
    static func explain(_ totals: [Double], settings: Settings = Settings(), markers: [Int: [String]] = [:], ratings: [Int: SRSRatings] = [:]) -> [[String]] {
        let engine = AllianceEngine(settings: settings)
        var client = ClientState(client: "C-1")
        var clinician: ClinicianState?
        return totals.enumerated().map { index, total in
            let record = SessionRecord(
                client: "C-1", session: index + 1, date: CalendarDate(year: 2026, month: 1, day: 5)!.adding(days: 7 * index),
                srs: ratings[index + 1] ?? srs(total), markers: markers[index + 1] ?? []
            )
            let (_, explanations) = engine.ingest(.session(record), canonical: record.canonicalJSON, origin: RecordOrigin(source: "a", line: index + 1),
                                                  client: &client, clinician: &clinician, explain: true)
            return explanations.map { "\($0.rule.rawValue) \($0.instrument ?? "-"): \($0.reason)" }
        }
    }

    @Test func quietReasonsSayTheNumbersTheyCompared() {
        let sessions = Self.explain([40, 40, 40, 39, 30])
        #expect(sessions[3].contains("below-cutoff srs: SRS 39.0 is not below the cutoff 36.0"))
        #expect(sessions[3].contains("rupture srs: drop 1.0 from 40.0 is below the reliable change 6.83 and z -0.45 is above -2.00"))
        #expect(sessions[3].contains("dip srs: fired"))
        #expect(sessions[0].contains("rupture srs: the first SRS of the episode has no previous score and z needs 3 earlier scores outside ruptures, there are 0"))
        #expect(sessions[1].contains("decline srs: the baseline is the first 3 scores; there are 1 before this one"))
        #expect(sessions[4].contains("rupture srs: fired"))
        #expect(sessions[4].contains("dip srs: drop 9.0 from 39.0 is reported as a rupture"))
        #expect(sessions[3].contains { $0.hasPrefix("decline srs: CUSUM 0.00 is not above h 3.00 (z ") && $0.hasSuffix("against the baseline mean 40.0)") })
    }

    @Test func aStillOpenRuptureSaysHowFarFromTheRepairLevel() {
        let sessions = Self.explain([38, 38, 38, 28, 30])
        let repaired = sessions[4].first { $0.hasPrefix("repaired srs:") }
        #expect(repaired?.hasPrefix("repaired srs: SRS 30.0 is below the repair level ") == true)
        #expect(repaired?.hasSuffix("1 of repair_window 3 scores since the rupture") == true)
    }

    @Test func withoutExplainNoReasonIsWritten() {
        let engine = AllianceEngine(settings: Settings())
        var client = ClientState(client: "C-1")
        var clinician: ClinicianState?
        let record = SessionRecord(client: "C-1", session: 1, date: CalendarDate(year: 2026, month: 1, day: 5)!, srs: Self.srs(39))
        let (_, explanations) = engine.ingest(.session(record), canonical: record.canonicalJSON, origin: RecordOrigin(source: "a", line: 1),
                                              client: &client, clinician: &clinician, explain: false)
        #expect(explanations.isEmpty)
    }

    @Test func aMarkerTriggeredPatternNamesTheMarkersAndTheirSessions() throws {
        var settings = Settings()
        settings.markers.rigid = ["rigid-technique"]
        let engine = AllianceEngine(settings: settings)
        var client = ClientState(client: "C-1")
        var clinician: ClinicianState?
        var messages: [String] = []
        for session in 1...3 {
            let record = SessionRecord(
                client: "C-1", session: session, date: CalendarDate(year: 2026, month: 1, day: 5)!.adding(days: 7 * session),
                srs: Self.srs(39), markers: session == 1 ? [] : ["rigid-technique", "other"]
            )
            let outcome = engine.ingest(.session(record), canonical: record.canonicalJSON, origin: RecordOrigin(source: "a", line: session),
                                        client: &client, clinician: &clinician)
            if case .stored(let alerts, _) = outcome { messages += alerts.filter { $0.rule == .rigidPattern }.map(\.message) }
        }
        #expect(messages == [
            "Possible rigid pattern: client C-1 session 3: agreement on goals or method well below the bond in 2 of the last 3 rated sessions: "
                + "a rigid-family marker coded in sessions 2 and 3 (this session: 'rigid-technique'). Consider inviting the client's view of the work.",
        ])
    }

    @Test func anItemGapPatternSaysTheGapAndAnUninvolvedMarkerTakesAn() {
        var settings = Settings()
        settings.markers.uninvolved = ["silence"]
        let bondStrain = SRSRatings(relationship: 7.0, goals: 9.2, approach: 9.4, overall: 9.0)
        let sessions = [1: Self.srs(38), 2: bondStrain, 3: bondStrain]
        let engine = AllianceEngine(settings: settings)
        var client = ClientState(client: "C-2")
        var clinician: ClinicianState?
        var messages: [String] = []
        for session in 1...3 {
            let record = SessionRecord(
                client: "C-2", session: session, date: CalendarDate(year: 2026, month: 1, day: 5)!.adding(days: 7 * session),
                srs: sessions[session]!, markers: session == 2 ? ["silence"] : []
            )
            let outcome = engine.ingest(.session(record), canonical: record.canonicalJSON, origin: RecordOrigin(source: "a", line: session),
                                        client: &client, clinician: &clinician)
            if case .stored(let alerts, _) = outcome { messages += alerts.filter { $0.rule == .uninvolvedPattern }.map(\.message) }
        }
        #expect(messages.count == 1)
        #expect(messages.first?.contains("the bond well below agreement in 2 of the last 3 rated sessions: ") == true)
        #expect(messages.first?.contains("the item gap in session 3 (this session: relationship 7.0 against goals 9.2, a gap of 2.2; uninvolved_gap 1.5, component_cutoff 9.0)") == true)
        #expect(messages.first?.contains("an uninvolved-family marker coded in session 2") == true)
    }
}
