import Testing
@testable import AllianceCore

@Suite struct RoundingTests {
    @Test(arguments: [
        (2.00005, 20001 as Int64), (35.99999999999999, 360000), (-1.00005, -10001), (6.834750, 68348),
        (0.00004, 0), (0.00005, 1), (36.0, 360000), (1e20, Int64.max),
    ])
    func roundsHalfAwayFromZeroAtFourDecimals(value: Double, units: Int64) {
        #expect(Decimal4.units(value) == units)
    }

    @Test(arguments: [
        (6.83475, 2, "6.83"), (6.83475, 1, "6.8"), (38.25, 1, "38.3"), (0.135, 2, "0.14"), (-2.0, 2, "-2.00"),
        (3.0, 0, "3"), (1e-7, 2, "0.00"), (-0.001, 2, "0.00"), (29.599999999999998, 1, "29.6"), (99.95, 1, "100.0"),
        // The double 33.849999999999994 is the quantity 33.85 (SPEC §4), shown half away from zero.
        (6.25 + 9.2 + 9.2 + 9.2, 1, "33.9"), (-(6.25 + 9.2 + 9.2 + 9.2), 1, "-33.9"),
    ])
    func formatsHalfAwayFromZero(value: Double, decimals: Int, text: String) {
        #expect(Decimal4.format(value, decimals: decimals) == text)
    }

    @Test func derivedReliableChangeIndexes() {
        #expect(Decimal4.units(InstrumentSettings.srsDefaults.rci) == 68348)
        #expect(Decimal4.units(InstrumentSettings.waiSRDefaults.rci) == 7515)
    }
}

@Suite struct SeriesRuleTests {
    @Test(arguments: [
        // p01: 36.0 is not below 36 and re-arms below-cutoff.
        ([38, 35, 34, 36.0, 35.5, 37], [2: ["below-cutoff 5", "dip 6"], 3: ["dip 6"], 5: ["below-cutoff 5"]]),
        // p02: drops of 0.9 and 0.5 are no dips; 1.0 is.
        ([39, 39.5, 38.5, 38, 37, 38], [3: ["dip 6"], 5: ["dip 6"]]),
        // p07: slow drift, CUSUM signal at s8.
        ([39, 39, 38, 38, 37, 36, 35, 35, 34],
         [3: ["dip 6"], 5: ["dip 6"], 6: ["dip 6"], 7: ["below-cutoff 5", "dip 6"], 8: ["decline 4"], 9: ["dip 6"]]),
        // p05: V-shaped rupture, decline on the second low entry, repaired on the third.
        ([38, 39, 38, 38, 31, 35, 38, 39],
         [3: ["dip 6"], 5: ["below-cutoff 5", "rupture 4"], 6: ["decline 4"], 7: ["repaired 5"]]),
        // p06: unrepaired after 3 entries; decline once per excursion.
        ([38, 38, 39, 38, 31, 30, 32, 31],
         [4: ["dip 6"], 5: ["below-cutoff 5", "rupture 4"], 6: ["dip 6", "decline 4"], 8: ["dip 6", "unrepaired 4"]]),
        // p19: one decline at h = 3, none at the later signals.
        ([39, 39, 39, 38, 37, 36, 35.5, 35, 34.5, 34, 34, 33.5],
         [4: ["dip 6"], 5: ["dip 6"], 6: ["dip 6"], 7: ["below-cutoff 5"], 8: ["decline 4"]]),
        // p04: ceiling rater, rupture by z with the SD floor.
        ([40, 40, 40, 40, 35, 39], [5: ["below-cutoff 5", "rupture 4"], 6: ["repaired 5"]]),
    ] as [([Double], [Int: [String]])])
    func srsSeries(totals: [Double], expected: [Int: [String]]) {
        var harness = EngineHarness()
        #expect(harness.srsSeries(totals) == expected)
    }

    @Test func aDropOfExactlyTheRCIIsReliable() {
        var settings = Settings()
        // rci rounds to 6.8348 at 4 decimals; a drop of exactly 6.8348 is reliable, 6.8347 is not.
        var harness = EngineHarness(settings: settings)
        #expect(harness.srsSeries([38, 38 - 6.8348])[2] == ["below-cutoff 5", "rupture 4"])
        harness = EngineHarness(settings: settings)
        #expect(harness.srsSeries([38, 38 - 6.8347])[2] == ["below-cutoff 5", "dip 6"])
        settings.srs.dip = 7
        harness = EngineHarness(settings: settings)
        #expect(harness.srsSeries([38, 38 - 6.8347])[2] == ["below-cutoff 5"])
    }

    @Test func aDisabledRuptureNeverOpensOneSoTheDropIsADip() {
        var settings = Settings()
        settings.rules[.rupture] = .init(enabled: false)
        var harness = EngineHarness(settings: settings)
        // Nothing absorbs the CUSUM signal either: C = 3.14 > 3 at the drop.
        #expect(harness.srsSeries([38, 38, 38, 38, 30, 38]) == [5: ["below-cutoff 5", "dip 6", "decline 4"]])
    }

    @Test func aDisabledDeclineStillResetsTheCUSUM() {
        var settings = Settings()
        settings.rules[.decline] = .init(enabled: false)
        var harness = EngineHarness(settings: settings)
        let alerts = harness.srsSeries([39, 39, 38, 38, 37, 36, 35, 35, 34])
        #expect(!alerts.values.joined().contains { $0.hasPrefix("decline") })
        let srs = harness.run.state(of: "C-1")!.episodes["1"]!.srs
        #expect(!srs.declineArmed)
        #expect(Decimal4.format(srs.cusum, decimals: 3) == "1.621")
    }

    @Test func configuredPriorityReplacesTheBasePriority() {
        var settings = Settings()
        settings.rules[.dip] = .init(priority: .warning)
        var harness = EngineHarness(settings: settings)
        #expect(harness.srsSeries([38, 37]) == [2: ["dip 4"]])
    }

    @Test func aNewEpisodeResetsTheSeries() {
        var harness = EngineHarness()
        harness.session(1, srs: EngineHarness.srs(38))
        let alerts = harness.session(1, episode: "2", srs: EngineHarness.srs(35))
        #expect(alerts.map(\.rule) == [.belowCutoff])
        #expect(alerts.first?.value(of: "ALLIANCE_BASELINE") == nil)
        #expect(alerts.first?.key == "below-cutoff/C-1/2/srs/1")
    }
}

@Suite struct PatternRuleTests {
    static func items(_ relationship: Double, _ goals: Double, _ approach: Double, _ overall: Double) -> SRSRatings {
        SRSRatings(relationship: relationship, goals: goals, approach: approach, overall: overall)
    }

    @Test func rigidFromItemsFiresOnceAndRearms() {
        var harness = EngineHarness()
        harness.session(1, srs: Self.items(9.8, 9.7, 9.7, 9.8))
        harness.session(2, srs: Self.items(9.7, 9.4, 7.4, 9.5))
        let third = harness.session(3, srs: Self.items(9.6, 8.0, 7.2, 8.2))
        #expect(third.map(\.rule).contains(.rigidPattern))
        #expect(third.first { $0.rule == .rigidPattern }?.value(of: "ALLIANCE_PATTERN") == "rigid")
        let fourth = harness.session(4, srs: Self.items(9.6, 9.3, 9.3, 9.6))
        #expect(!fourth.map(\.rule).contains(.rigidPattern))
    }

    @Test func markersCountForEverySeriesTheSessionEnters() {
        var harness = EngineHarness()
        let wai = Array(repeating: 5, count: 12)
        harness.session(1, srs: EngineHarness.srs(39.5), wai: wai, markers: ["distant"])
        let alerts = harness.session(2, srs: EngineHarness.srs(39.5), wai: wai, markers: ["inappropriate-silence"])
        #expect(alerts.map { "\($0.rule.rawValue)/\($0.value(of: "ALLIANCE_INSTRUMENT") ?? "")" }
            == ["uninvolved-pattern/srs", "uninvolved-pattern/wai-sr"])
    }

    @Test func clinicianPatternNeedsThreeClientsWithinTheWindow() {
        var harness = EngineHarness()
        var fired: [Alert] = []
        for (index, client) in ["A", "B", "C"].enumerated() {
            let day = CalendarDate(year: 2026, month: 3, day: 1 + index * 10)!
            harness.session(1, client: client, srs: EngineHarness.srs(39), markers: ["rigid"], on: day)
            fired += harness.session(2, client: client, srs: EngineHarness.srs(39), markers: ["critical"], on: day.adding(days: 1))
        }
        let clinician = fired.filter { $0.rule == .clinicianPattern }
        #expect(clinician.count == 1)
        #expect(clinician.first?.key == "clinician-pattern/T-1/rigid-pattern/2026-03-22")
        #expect(clinician.first?.value(of: "ALLIANCE_SCORE") == "3")
        #expect(clinician.first?.value(of: "ALLIANCE_CLIENT") == nil)
    }
}

@Suite struct SessionRuleTests {
    static let atRisk = ProfileUpdate(diagnoses: ["f10.20"], motivation: Motivation(ruler: 3))

    @Test func earlyRiskAndTheRiskModifier() {
        var harness = EngineHarness()
        let first = harness.session(1, srs: EngineHarness.srs(37), profile: Self.atRisk)
        #expect(first.map { "\($0.rule.rawValue) \($0.priority.rawValue)" } == ["early-risk 3"])
        let second = harness.session(2, srs: EngineHarness.srs(34))
        #expect(second.map { "\($0.rule.rawValue) \($0.priority.rawValue)" } == ["below-cutoff 4", "dip 5", "early-risk 3"])
        #expect(second.allSatisfy { $0.value(of: "ALLIANCE_RISK") == "sud-low-motivation" })
        harness.session(3, srs: EngineHarness.srs(35))
        let fourth = harness.session(4, srs: EngineHarness.srs(34))
        #expect(fourth.map { "\($0.rule.rawValue) \($0.priority.rawValue)" } == ["dip 6"])
    }

    @Test(arguments: [
        (ProfileUpdate(diagnoses: ["F17.210"], motivation: Motivation(level: .low)), false),
        (ProfileUpdate(diagnoses: [" f1 2.1 "], motivation: Motivation(level: .low)), false),
        (ProfileUpdate(diagnoses: ["F12.1"], motivation: Motivation(urica: 10.1)), true),
        (ProfileUpdate(diagnoses: ["F12.1"], motivation: Motivation(urica: 10.15)), false),
        (ProfileUpdate(substanceUse: true, motivation: Motivation(ruler: 3.00001)), true),
        (ProfileUpdate(substanceUse: true, motivation: Motivation(ruler: 3.0001)), false),
        (ProfileUpdate(substanceUse: false, diagnoses: ["F19"], motivation: Motivation(level: .low)), true),
        (ProfileUpdate(diagnoses: ["F20"], motivation: Motivation(level: .low)), false),
    ])
    func riskProfile(update: ProfileUpdate, atRisk: Bool) {
        var profile = ClientProfile()
        profile.apply(update)
        #expect(profile.isAtRisk(Settings().risk) == atRisk)
    }

    @Test(arguments: [
        (PSQRatings(tension: true, intensity: 2, resolution: 5), nil as Int?),
        (PSQRatings(tension: true, intensity: 3, resolution: 4), 5),
        (PSQRatings(tension: true, intensity: 3, resolution: 2), 4),
        (PSQRatings(tension: true, intensity: 4, resolution: 5), 4),
        (PSQRatings(tension: false, intensity: 5, resolution: 1), nil),
    ])
    func clientTension(psq: PSQRatings, priority: Int?) {
        var harness = EngineHarness()
        let alerts = harness.session(1, psq: psq)
        #expect(alerts.first?.priority.rawValue == priority)
        #expect(alerts.first?.key == (priority == nil ? nil : "client-tension/C-1/1//1"))
    }

    @Test func outcomeDeclineFiresWhenTheConditionBegins() {
        var harness = EngineHarness()
        var fired: [Int] = []
        for (index, total) in [25.0, 23, 20, 19, 24, 19.5].enumerated() {
            let q = total / 4
            let alerts = harness.session(index + 1, srs: EngineHarness.srs(38.5), ors: ORSRatings(individually: q, interpersonally: q, socially: q, overall: q))
            if alerts.contains(where: { $0.rule == .outcomeDecline }) { fired.append(index + 1) }
        }
        #expect(fired == [3, 6])
    }

    @Test func missedAfterAlertLooksAtTheTwoPreviousSessions() {
        var harness = EngineHarness()
        harness.srsSeries([38.5, 38.5, 38.5, 30])
        let missed = harness.session(5, attendance: .noShow)
        #expect(missed.map { "\($0.rule.rawValue) \($0.priority.rawValue)" } == ["missed-after-alert 3"])
        #expect(harness.session(6, attendance: .cancelledClient).map(\.rule) == [.missedAfterAlert])
        #expect(harness.session(7, attendance: .cancelledService).isEmpty)
    }

    @Test func duplicatesAreSkippedAndConflictsRejected() {
        var run = ReplayRun(settings: Settings())
        let record = SessionRecord(client: "C-1", session: 1, date: CalendarDate(year: 2026, month: 1, day: 5)!, srs: EngineHarness.srs(30))
        let origin = RecordOrigin(source: "a.jsonl", line: 1)
        #expect(run.ingest(.session(record), canonical: "A", origin: origin).alerts.count == 1)
        #expect(run.ingest(.session(record), canonical: "A", origin: origin).duplicate)
        #expect(run.ingest(.session(record), canonical: "B", origin: origin).conflict?.reason == .conflict)
    }

    @Test func lateRecordsAreStoredWithoutRules() {
        var harness = EngineHarness()
        harness.session(1, srs: EngineHarness.srs(38))
        harness.session(3, srs: EngineHarness.srs(38))
        let late = harness.session(2, srs: EngineHarness.srs(20))
        #expect(late.isEmpty)
        #expect(harness.run.summary.lateRecords == 1)
        #expect(harness.session(4, srs: EngineHarness.srs(38)).isEmpty)
    }

    @Test func lapseFiresOnceBetweenDaysAndMaxDays() {
        var harness = EngineHarness()
        let start = CalendarDate(year: 2026, month: 1, day: 5)!
        harness.session(1, srs: EngineHarness.srs(38), on: start)
        harness.session(2, srs: EngineHarness.srs(30), on: start.adding(days: 7))  // rupture, warning
        // Another client's records move replay's clock on.
        harness.session(1, client: "C-2", srs: EngineHarness.srs(39), on: start.adding(days: 27))
        let lapse = harness.session(2, client: "C-2", srs: EngineHarness.srs(39), on: start.adding(days: 28))
        #expect(lapse.map(\.rule) == [.lapse])
        #expect(lapse.first?.value(of: "ALLIANCE_DATE") == start.adding(days: 28).description)
        #expect(lapse.first?.value(of: "ALLIANCE_SESSION") == "2")
        #expect(harness.session(3, client: "C-2", srs: EngineHarness.srs(39), on: start.adding(days: 35)).isEmpty)
    }
}
