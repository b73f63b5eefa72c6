import Testing
@testable import AllianceCore

@Suite struct ParsingCanonicalJSONTests {
    private func canonical(_ line: String, name: String = "c.jsonl") -> String? {
        if case .record(let parsed) = ParsingFixture.parse(line, name: name).entries.first { return parsed.canonical }
        return nil
    }

    @Test func theCanonicalTextIsFixed() {
        let line = #"{"schema": 1, "client": "C-1", "session": 2, "date": "2026-01-05T10:00:00Z", "srs": {"overall": 9.0, "relationship": 9.1, "goals": 8, "approach": 5.50}, "wai_sr": [4, 4, 5, 3, 4, 4, 5, 4, 4, 3, 4, 4], "psq": {"tension": false}, "markers": ["rigid"], "profile": {"motivation": {"level": "low"}}}"#
        #expect(canonical(line) == #"{"schema":1,"type":"session","id":"C-1/1/2","client":"C-1","episode":"1","session":2,"date":"2026-01-05T10:00:00Z","attendance":"attended","srs":{"relationship":9.1,"goals":8,"approach":5.5,"overall":9},"wai_sr":[4,4,5,3,4,4,5,4,4,3,4,4],"psq":{"tension":false},"markers":["rigid"],"episode_end":false,"profile":{"motivation":{"level":"low"}}}"#)
    }

    /// Pairs that are the same record as JSON values once defaults are filled in (SPEC §3.1).
    @Test(arguments: [
        (#"{"schema": 1, "client": "C-1", "session": 1, "date": "2026-01-05", "srs": {"relationship": 9, "goals": 9.5, "approach": 9, "overall": 9}}"#,
         #"{"srs": {"overall": 9.000, "approach": 90e-1, "goals": 0.95E1, "relationship": 9.0}, "date": "2026-01-05", "session": 1, "client": "C-1", "schema": 1}"#),
        (#"{"schema": 1, "client": "C-1", "session": 1, "date": "2026-01-05", "srs": {"relationship": 9, "goals": 9, "approach": 9, "overall": 9}}"#,
         #"{"schema": 1, "type": "session", "id": "C-1/1/1", "client": "C-1", "episode": "1", "session": 1, "date": "2026-01-05", "attendance": "attended", "srs": {"relationship": 9, "goals": 9, "approach": 9, "overall": 9}, "markers": [], "episode_end": false, "x-note": "ignored", "x-other": [1]}"#),
        (#"{"schema": 1, "client": "C-1", "session": 1, "date": "2026-01-05", "psq": {"tension": true, "intensity": 3, "resolution": 2}, "markers": ["rigid"]}"#,
         #"{"schema": 1, "client": "C\u002d1", "session": 1, "date": "2026-01-05", "psq": {"resolution": 2, "x-n": 0, "intensity": 3, "tension": true}, "markers": ["\u0072igid"]}"#),
        (#"{"schema": 1, "client": "C-1", "session": 1, "date": "2026-01-05", "ors": {"individually": 0.1, "interpersonally": 0.3, "socially": 10, "overall": 0}}"#,
         #"{"schema": 1, "client": "C-1", "session": 1, "date": "2026-01-05", "ors": {"individually": 0.10000000000000000001, "interpersonally": 3e-1, "socially": 1E+1, "overall": -0}}"#),
    ])
    func equalRecordsHaveEqualText(first: String, second: String) throws {
        let one = try #require(canonical(first))
        let two = try #require(canonical(second))
        #expect(one == two)
    }

    /// Pairs that differ as JSON values, so a second one is a `conflict`.
    @Test(arguments: [
        (#""markers": ["rigid", "critical"]"#, #""markers": ["critical", "rigid"]"#),
        (#""profile": {}"#, #""x-profile": {}"#),
        (#""profile": {"diagnoses": []}"#, #""profile": {}"#),
        (#""profile": {"diagnoses": ["F10.20"]}"#, #""profile": {"diagnoses": ["f10.20"]}"#),
        (#""psq": {"tension": false}"#, #""psq": {"tension": false, "intensity": 1}"#),
        (#""clinician": "T-1""#, #""x-clinician": "T-1""#),
        (#""episode_end": true"#, #""episode_end": false"#),
        (#""id": "a""#, #""id": "b""#),
    ])
    func differentRecordsHaveDifferentText(first: String, second: String) throws {
        let one = try #require(canonical(ParsingFixture.line(first)))
        let two = try #require(canonical(ParsingFixture.line(second)))
        #expect(one != two)
    }

    /// Dates compare as written: the same day written as a date-time is a different record.
    @Test func datesCompareAsWritten() throws {
        let one = try #require(canonical(ParsingFixture.line()))
        let two = try #require(canonical(ParsingFixture.line().replacing("2026-01-05", with: "2026-01-05T00:00:00Z")))
        #expect(one != two)
    }

    @Test func numbersUseTheShortestRoundTripForm() {
        let text = CanonicalJSONWriter.text(bound: { 400 }) { writer in
            writer.beginArray()
            for value in [9.1, 0.1 + 0.2, -0.0, 1e15, 9007199254740992, 1e16, 123456.5, 1e-7, -2.75, 0.125, -10.05, 7.0, 0.001, 1e-3 + 1e-15] {
                writer.number(value)
            }
            writer.endArray()
        }
        #expect(text == "[9.1,0.30000000000000004,0,1000000000000000,9007199254740992.0,1e+16,123456.5,1e-07,-2.75,0.125,-10.05,7,0.001,0.001000000000001]")
    }

    @Test func shortDecimalsReadBackAsTheSameNumber() throws {
        for thousandths in stride(from: -15_000, through: 15_000, by: 7) {
            let value = Double(thousandths) / 1000
            let text = CanonicalJSONWriter.text(bound: { 40 }) { $0.number(value) }
            #expect(Double(text) == value, "\(value) → \(text)")
            #expect(text == (value == value.rounded() ? String(Int(value)) : value.description), "\(value)")
        }
    }

    @Test func stringsAreEscapedMinimally() {
        let text = CanonicalJSONWriter.text(bound: { 100 }) { $0.string("a\"b\\c\n\t\u{1}é/") }
        #expect(text == #""a\"b\\c\n\t\u0001é/""#)
    }

    /// Records beyond the 1 KiB fast path, with every byte needing an escape, still fit their bound.
    @Test func longRecordsFitTheirBound() throws {
        let control = String(repeating: "\u{1}", count: 300)
        let record = SessionRecord(
            id: String(repeating: "~", count: 128), client: String(repeating: "c", count: 64), clinician: control,
            episode: control, session: Int.min, date: CalendarDate(year: 2026, month: 1, day: 5)!, dateText: control,
            srs: SRSRatings(relationship: -.greatestFiniteMagnitude, goals: .leastNonzeroMagnitude, approach: 1e300, overall: -2.2250738585072014e-308),
            waiSR: WAISRRatings(items: Array(repeating: Int.min, count: 40)),
            psq: PSQRatings(tension: true, intensity: Int.min, resolution: Int.max),
            ors: ORSRatings(individually: -1.0000000000000002, interpersonally: 1, socially: 2, overall: 3),
            markers: Array(repeating: control, count: 5), episodeEnd: true,
            profile: ProfileUpdate(substanceUse: false, diagnoses: Array(repeating: control + "\"", count: 7), motivation: Motivation(ruler: -1e-300, urica: 5, level: .high))
        )
        let text = record.canonicalJSON
        #expect(text.utf8.count > 20_000)
        #expect(text.hasSuffix(#""level":"high"}}}"#))
        let profile = ProfileRecord(id: control, client: "C", update: ProfileUpdate(diagnoses: [control, control]))
        #expect(profile.canonicalJSON.hasPrefix(#"{"schema":1,"type":"profile","id":"\u0001"#))
        // The canonical text is itself strict JSON.
        let parsed = ParsingFixture.parse(text, name: "x.jsonl")
        #expect(parsed.rejected.first?.issue.reason != .invalidJSON)
    }

    /// A text longer than the scratch storage is written again with its bound, to the same result.
    @Test func scratchOverflowFallsBackToTheBound() throws {
        let record = try #require(ParsingFixture.session(ParsingFixture.line(#""markers": ["rigid", "critical"]"#)))
        let expected = record.canonicalJSON
        for capacity in [0, 1, 10, expected.utf8.count - 1, expected.utf8.count, 2000] {
            let scratch = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: capacity)
            defer { scratch.deallocate() }
            #expect(record.canonicalJSON(scratch: scratch) == expected, "scratch of \(capacity) bytes")
        }
    }
}
