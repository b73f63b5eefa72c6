import Testing
@testable import AllianceCore

@Suite struct ParsingValidRecordTests {
    @Test func theSpecExampleParsesWithEveryField() throws {
        let line = #"""
        {"schema": 1, "type": "session", "id": "clinic7-C102-s5", "client": "C-102", "clinician": "T-07", "episode": "1", "session": 5, "date": "2026-11-20", "attendance": "attended", "srs": {"relationship": 9.1, "goals": 8.0, "approach": 5.5, "overall": 7.0}, "wai_sr": [4, 4, 5, 3, 4, 4, 5, 4, 4, 3, 4, 4], "psq": {"tension": true, "intensity": 4, "resolution": 2}, "ors": {"individually": 5.0, "interpersonally": 6.0, "socially": 5.5, "overall": 6.0}, "markers": ["rigid", "over-structuring"], "episode_end": false, "profile": {"substance_use": true, "diagnoses": ["F10.20"], "motivation": {"ruler": 3}}}
        """#
        let record = try #require(ParsingFixture.session(line))
        let expected = SessionRecord(
            id: "clinic7-C102-s5", client: "C-102", clinician: "T-07", episode: "1", session: 5,
            date: CalendarDate(year: 2026, month: 11, day: 20)!, dateText: "2026-11-20", attendance: .attended,
            srs: SRSRatings(relationship: 9.1, goals: 8.0, approach: 5.5, overall: 7.0),
            waiSR: WAISRRatings(items: [4, 4, 5, 3, 4, 4, 5, 4, 4, 3, 4, 4]),
            psq: PSQRatings(tension: true, intensity: 4, resolution: 2),
            ors: ORSRatings(individually: 5.0, interpersonally: 6.0, socially: 5.5, overall: 6.0),
            markers: ["rigid", "over-structuring"], episodeEnd: false,
            profile: ProfileUpdate(substanceUse: true, diagnoses: ["F10.20"], motivation: Motivation(ruler: 3))
        )
        #expect(record == expected)
    }

    @Test func defaultsAreFilledIn() throws {
        let record = try #require(ParsingFixture.session(ParsingFixture.line()))
        #expect(record.id == "C-1/1/1")
        #expect(record.episode == "1")
        #expect(record.clinician == nil)
        #expect(record.attendance == .attended)
        #expect(record.markers == [])
        #expect(record.episodeEnd == false)
        #expect(record.profile == nil)
        let second = try #require(ParsingFixture.session(ParsingFixture.line(#""episode": "E2""#)))
        #expect(second.id == "C-1/E2/1")
    }

    @Test(arguments: [
        ("2026-01-05", "2026-01-05"),
        ("2026-01-05T23:59Z", "2026-01-05"),
        ("2026-01-05T23:59:60Z", "2026-01-05"),
        ("2026-01-05T00:30:00.123456+14:00", "2026-01-05"),
        ("2026-01-05T23:30:00-12:00", "2026-01-05"),
        ("2024-02-29T10:00:00Z", "2024-02-29"),
        ("2026-11-29", "2026-11-29"),          // today + 1 is allowed
        ("2026-11-29T23:59:59-11:00", "2026-11-29"),
    ])
    func datesKeepTheCalendarDayAsWritten(text: String, day: String) throws {
        let record = try #require(ParsingFixture.session(ParsingFixture.line().replacing("2026-01-05", with: text)))
        #expect(record.date.description == day)
        #expect(record.dateText == text)
    }

    @Test func missedSessionsMayCarryMarkersAndProfile() throws {
        let line = #"{"schema": 1, "client": "C-1", "session": 2, "date": "2026-01-12", "attendance": "no-show", "markers": ["distant"], "profile": {"motivation": {"level": "low"}}}"#
        let record = try #require(ParsingFixture.session(line))
        #expect(record.attendance == .noShow)
        #expect(record.markers == ["distant"])
        #expect(record.profile == ProfileUpdate(motivation: Motivation(level: .low)))
    }

    @Test func attendedSessionsNeedOnlyOneInstrument() {
        let bare = #"{"schema": 1, "client": "C-1", "session": 1, "date": "2026-01-05", "#
        for ratings in [
            #""ors": {"individually": 5, "interpersonally": 5, "socially": 5, "overall": 5}"#,
            #""psq": {"tension": false}"#,
            #""wai_sr": [1, 2, 3, 4, 5, 1, 2, 3, 4, 5, 1, 2]"#,
        ] {
            #expect(ParsingFixture.session(bare + ratings + "}") != nil, "\(ratings)")
        }
    }

    @Test func psqWithoutTensionMayCarryValidItems() throws {
        let record = try #require(ParsingFixture.session(ParsingFixture.line(#""psq": {"tension": false, "intensity": 1}"#)))
        #expect(record.psq == PSQRatings(tension: false, intensity: 1, resolution: nil))
    }

    @Test func extensionKeysAreIgnoredAtEveryLevel() throws {
        let line = #"""
        {"x-source": {"a": [1, {"b": null}]}, "schema": 1, "client": "C-1", "session": 1, "date": "2026-01-05", "srs": {"relationship": 9, "x-rater": "nurse", "goals": 9, "approach": 9, "overall": 9}, "psq": {"tension": false, "x-": 1}, "profile": {"x-by": "intake", "motivation": {"ruler": 3, "x-scale": "0-10"}}}
        """#
        let record = try #require(ParsingFixture.session(line))
        #expect(record.profile?.motivation == Motivation(ruler: 3))
    }

    @Test func boundaryValuesAreInRange() throws {
        let line = #"""
        {"schema": 1, "client": "a", "session": 10000, "date": "2026-01-05", "srs": {"relationship": 0, "goals": 10, "approach": 0.0, "overall": -0}, "profile": {"motivation": {"ruler": 10, "urica": -5}}}
        """#
        let record = try #require(ParsingFixture.session(line))
        #expect(record.session == 10000)
        #expect(record.srs?.total == 10)
        #expect(record.profile?.motivation == Motivation(ruler: 10, urica: -5))
        let longest = String(repeating: "c", count: 64)
        let id = String(repeating: "~", count: 128)
        let second = try #require(ParsingFixture.session(ParsingFixture.line(#""clinician": "\#(longest)", "episode": "e.1_x:y-z", "id": "\#(id)""#)))
        #expect(second.clinician == longest)
        #expect(second.id == id)
    }

    @Test func escapedStringsAreDecoded() throws {
        let line = #"{"schema": 1, "\u0063lient": "C\u002D1", "session": 1, "date": "2026\u002d01-05", "srs": {"relationship": 9, "goals": 9, "approach": 9, "overall": 9}, "markers": ["r\u0069gid"], "profile": {"diagnoses": ["F10.2 \"x\" \\ \u00e9 \ud83d\ude00"]}}"#
        let record = try #require(ParsingFixture.session(line))
        #expect(record.client == "C-1")
        #expect(record.dateText == "2026-01-05")
        #expect(record.markers == ["rigid"])
        #expect(record.profile?.diagnoses == ["F10.2 \"x\" \\ é 😀"])
    }

    @Test func markersFollowTheConfiguredFamilies() {
        var settings = Settings()
        settings.markers.rigid = ["bossy"]
        settings.markers.uninvolved = ["absent-minded", "fernöstlich"]
        let parser = RecordParser(settings: settings, today: ParsingFixture.today)
        func issue(_ markers: String) -> RecordIssue? {
            parser.parseFile(name: "m.jsonl", bytes: Array(ParsingFixture.line(#""markers": \#(markers)"#).utf8)).rejected.first?.issue
        }
        #expect(issue(#"["bossy", "absent-minded"]"#) == nil)
        #expect(issue(#"["ferno\u0308stlich"]"#) == nil) // the same name, decomposed
        #expect(issue(#"["rigid"]"#) == RecordIssue(line: 1, reason: .unknownMarker, field: "markers[0]", message: "'rigid' is not a known marker"))
    }

    @Test func profileRecords() throws {
        let line = #"{"schema": 1, "type": "profile", "client": "C-9", "substance_use": false, "diagnoses": ["F17.2", "f10"], "motivation": {"urica": 9.5, "level": "moderate"}, "x-by": "intake"}"#
        guard case .record(let parsed) = ParsingFixture.entry(line), case .profile(let profile) = parsed.record else {
            Issue.record("expected a profile record")
            return
        }
        #expect(profile == ProfileRecord(client: "C-9", update: ProfileUpdate(substanceUse: false, diagnoses: ["F17.2", "f10"], motivation: Motivation(urica: 9.5, level: .moderate))))
        #expect(profile.id == "C-9/profile")
        #expect(parsed.canonical == #"{"schema":1,"type":"profile","id":"C-9/profile","client":"C-9","substance_use":false,"diagnoses":["F17.2","f10"],"motivation":{"urica":9.5,"level":"moderate"}}"#)

        guard case .record(let minimal) = ParsingFixture.entry(#"{"id": "p-1", "client": "C-9", "type": "profile", "schema": 1}"#) else {
            Issue.record("expected a profile record")
            return
        }
        #expect(minimal.record == .profile(ProfileRecord(id: "p-1", client: "C-9", update: ProfileUpdate())))
    }
}
