import Testing
@testable import AllianceCore

@Suite struct ParsingCSVTests {
    private func parse(_ text: String) -> ParsedFile { ParsingFixture.parse(text, name: "test.csv") }

    private func canonicals(_ file: ParsedFile) -> [String] { file.records.map(\.canonical) }

    private let srsHeader = "client,session,date,srs_relationship,srs_goals,srs_approach,srs_overall"

    @Test func rowsMapToTheSameRecordsAsTheirJSONForm() {
        let csv = """
        client,clinician,session,date,srs_relationship,srs_goals,srs_approach,srs_overall,psq_tension,psq_intensity,psq_resolution,markers,substance_use,motivation_level
        C-170,T-06,1,2026-01-05,9.8,9.7,9.7,9.8,,,,,,
        C-171,T-06,1,2026-01-06,9.5,9.5,9.5,9.5,,,,rigid;critical,yes,low
        C-170,T-06,3,2026-01-19,9.3,9.2,9.2,9.3,true,4,3,,,
        """
        let jsonl = """
        {"schema": 1, "client": "C-170", "clinician": "T-06", "session": 1, "date": "2026-01-05", "srs": {"relationship": 9.8, "goals": 9.7, "approach": 9.7, "overall": 9.8}}
        {"schema": 1, "client": "C-171", "clinician": "T-06", "session": 1, "date": "2026-01-06", "srs": {"relationship": 9.5, "goals": 9.5, "approach": 9.5, "overall": 9.5}, "markers": ["rigid", "critical"], "profile": {"substance_use": true, "motivation": {"level": "low"}}}
        {"schema": 1, "client": "C-170", "clinician": "T-06", "session": 3, "date": "2026-01-19", "srs": {"relationship": 9.3, "goals": 9.2, "approach": 9.2, "overall": 9.3}, "psq": {"tension": true, "intensity": 4, "resolution": 3}}
        """
        let fromCSV = parse(csv)
        #expect(fromCSV.fileRejection == nil)
        #expect(fromCSV.entries.map(ParsingFixture.summary) == ["2 ok", "3 ok", "4 ok"])
        #expect(canonicals(fromCSV) == canonicals(ParsingFixture.parse(jsonl)))
    }

    @Test func everyColumn() {
        let header = "id,client,clinician,episode,session,date,attendance," +
            "srs_relationship,srs_goals,srs_approach,srs_overall," +
            (1...12).map { "wai_\($0)" }.joined(separator: ",") +
            ",psq_tension,psq_intensity,psq_resolution,ors_individually,ors_interpersonally,ors_socially,ors_overall," +
            "markers,episode_end,substance_use,diagnoses,motivation_ruler,motivation_urica,motivation_level,x-site"
        let row = "r-1,C-1,T-1,E2,7,2026-01-05T10:00:00+01:00,attended,9.1,8,5.50,7," +
            "4,4,5,3,4,4,5,4,4,3,4,4,No,,2,5,6,5.5,6,over-structuring; distant ,TRUE,0, F10.20 ;;F17 ,3,9.5,high,Ward 3"
        let json = #"""
        {"schema": 1, "id": "r-1", "client": "C-1", "clinician": "T-1", "episode": "E2", "session": 7, "date": "2026-01-05T10:00:00+01:00", "attendance": "attended", "srs": {"relationship": 9.1, "goals": 8, "approach": 5.5, "overall": 7}, "wai_sr": [4, 4, 5, 3, 4, 4, 5, 4, 4, 3, 4, 4], "psq": {"tension": false, "resolution": 2}, "ors": {"individually": 5, "interpersonally": 6, "socially": 5.5, "overall": 6}, "markers": ["over-structuring", "distant"], "episode_end": true, "profile": {"substance_use": false, "diagnoses": ["F10.20", "F17"], "motivation": {"ruler": 3, "urica": 9.5, "level": "high"}}}
        """#
        let fromCSV = parse(header + "\n" + row + "\n")
        #expect(fromCSV.entries.map(ParsingFixture.summary) == ["2 ok"])
        #expect(canonicals(fromCSV) == canonicals(ParsingFixture.parse(json)))
    }

    @Test(arguments: [
        ("", "the file has no header row", 1),
        ("\n  \n", "the file has no header row", 1),
        ("session,date\nC-1,1", "the header has no 'client' column", 1),
        ("client,date", "the header has no 'session' column", 1),
        ("client,session", "the header has no 'date' column", 1),
        ("client,session,date,comfort", "'comfort' is not a known column", 1),
        ("client,session,date,Srs_goals", "'Srs_goals' is not a known column", 1),
        ("client,session,date,wai_13", "'wai_13' is not a known column", 1),
        ("client,session,date,schema", "'schema' is not a known column", 1),
        ("client,session,date,srs", "'srs' is not a known column", 1),
        ("client,session,date,", "column 4 has no name", 1),
        ("client,session,,date", "column 3 has no name", 1),
        ("client,session,date, client", "column 'client' appears twice", 1),
        ("client,session,date,x-a,x-a", "column 'x-a' appears twice", 1),
        ("\n\nclient,session,da\"te\"", "cell 3 has a '\"' but is not quoted; quote the cell and double the '\"'", 3),
        ("client,session,\"date", "the quoted cell 3 opened on line 1 is never closed", 1),
        ("client,session,\"date\"x", "cell 3 has text after its closing quote", 1),
    ])
    func badHeadersRejectTheFile(text: String, message: String, line: Int) {
        let file = parse(text)
        #expect(file.entries.isEmpty)
        #expect(file.fileRejection == RecordIssue(line: line, reason: .badCSVHeader, message: message))
    }

    @Test func headerMayBeQuotedTrimmedAndStartWithABOM() {
        let file = parse("\u{FEFF} \"client\" ,session,\tdate,x-note\r\nC-1,1,2026-01-05,\"anything, really\"\r\n")
        #expect(file.fileRejection == nil)
        #expect(file.entries.map(ParsingFixture.summary) == ["2 no-ratings -"])
    }

    @Test func invalidUTF8InTheHeaderRejectsTheFile() {
        let file = ParsingFixture.parser.parseFile(name: "h.csv", bytes: Array("client,session,date,x-".utf8) + [0xFF])
        #expect(file.fileRejection == RecordIssue(line: 1, reason: .badCSVHeader, message: "byte 23 of the row is not valid UTF-8"))
    }

    /// One row under a fixed header, with the expected entry.
    @Test(arguments: [
        ("C-1,1,2026-01-05,9,9,9,9", "ok", ""),
        ("C-1,1,2026-01-05,9,9,9,9,", "bad-csv-row -", "the row has 8 cells but the header has 7 columns"),
        ("C-1,1,2026-01-05,9,9,9,9,,,", "bad-csv-row -", "the row has 10 cells but the header has 7 columns"),
        ("C-1,1,2026-01-05,9,9,9", "missing-field srs.overall", "required field 'overall' is missing"),
        ("C-1,1,2026-01-05,9,,9,9", "missing-field srs.goals", "required field 'goals' is missing"),
        ("C-1,1,2026-01-05", "no-ratings -", "an attended session needs at least one of srs, wai_sr, psq or ors"),
        (",1,2026-01-05,9,9,9,9", "missing-field client", "required field 'client' is missing"),
        ("Jane Doe,1,2026-01-05,9,9,9,9", "invalid-format client", "expected 1–64 letters, digits, '.', '_', ':' or '-', starting with a letter or digit"),
        ("C-1,one,2026-01-05,9,9,9,9", "wrong-type session", "expected an integer, got 'one'"),
        ("C-1,1.0,2026-01-05,9,9,9,9", "wrong-type session", "expected an integer, got 1.0"),
        ("C-1,0,2026-01-05,9,9,9,9", "out-of-range session", "0 is out of range 1…10000"),
        ("C-1,007,2026-01-05,9,9,9,9", "ok", ""),
        ("C-1,1,2026-01-05,9,9,9.5.1,9", "wrong-type srs.approach", "expected a number, got '9.5.1'"),
        ("C-1,1,2026-01-05,9,9,1e1,9", "wrong-type srs.approach", "expected a number, got '1e1'"),
        ("C-1,1,2026-01-05,9,9,.5,9", "wrong-type srs.approach", "expected a number, got '.5'"),
        ("C-1,1,2026-01-05,9,9,+5,9", "wrong-type srs.approach", "expected a number, got '+5'"),
        ("C-1,1,2026-01-05,9,9,5.,9", "wrong-type srs.approach", "expected a number, got '5.'"),
        ("C-1,1,2026-01-05,9,9,\"9,5\",9", "wrong-type srs.approach", "expected a number, got '9,5'"),
        ("C-1,1,2026-01-05,9,9,NaN,9", "wrong-type srs.approach", "expected a number, got 'NaN'"),
        ("C-1,1,2026-01-05,9,9,-1.25,9", "out-of-range srs.approach", "-1.25 is out of range 0…10"),
        ("C-1,1,2026-01-05,9,9,10.50,9", "out-of-range srs.approach", "10.50 is out of range 0…10"),
        ("C-1,1,2026-01-05,9,9,\" 9.5 \",9", "ok", ""),
        ("C-1,1,2026-13-05,9,9,9,9", "invalid-format date", "'2026-13-05' is not a real calendar date"),
        ("C-1,1,2027-01-05,9,9,9,9", "future-date date", "'2027-01-05' is more than one day after today (2026-11-28)"),
        ("C-1,1,2026-01-05,9,9,9\"9,9", "bad-csv-row -", "cell 6 has a '\"' but is not quoted; quote the cell and double the '\"'"),
        ("C-1,1,2026-01-05,9,9,\"9\" 9,9", "bad-csv-row -", "cell 6 has text after its closing quote"),
    ])
    func rows(row: String, summary: String, message: String) {
        let file = parse(srsHeader + "\n" + row + "\n")
        #expect(file.fileRejection == nil)
        #expect(file.entries.map(ParsingFixture.summary) == ["2 " + summary])
        #expect(file.rejected.first?.issue.message ?? "" == message)
        #expect(file.rejected.first.map { $0.text } ?? row == row)
    }

    @Test(arguments: [
        ("psq_tension,psq_intensity,psq_resolution", ",,", "no-ratings -", "an attended session needs at least one of srs, wai_sr, psq or ors"),
        ("psq_tension,psq_intensity,psq_resolution", "yes,4,1", "ok", ""),
        ("psq_tension,psq_intensity,psq_resolution", "YES,4,1", "ok", ""),
        ("psq_tension,psq_intensity,psq_resolution", "1,4,1", "ok", ""),
        ("psq_tension,psq_intensity,psq_resolution", "False,,", "ok", ""),
        ("psq_tension,psq_intensity,psq_resolution", "no,,", "ok", ""),
        ("psq_tension,psq_intensity,psq_resolution", "0,2,", "ok", ""),
        ("psq_tension,psq_intensity,psq_resolution", "maybe,,", "wrong-type psq.tension", "expected true or false, got 'maybe'"),
        ("psq_tension,psq_intensity,psq_resolution", "y,,", "wrong-type psq.tension", "expected true or false, got 'y'"),
        ("psq_tension,psq_intensity,psq_resolution", ",4,1", "missing-field psq.tension", "required field 'tension' is missing"),
        ("psq_tension,psq_intensity,psq_resolution", "true,4,", "missing-field psq.resolution", "'resolution' is required when tension is true"),
        ("psq_tension,psq_intensity,psq_resolution", "true,4.5,1", "wrong-type psq.intensity", "expected an integer, got 4.5"),
        ("psq_tension", "true", "missing-field psq.intensity", "'intensity' is required when tension is true"),
        ((1...12).map { "wai_\($0)" }.joined(separator: ","), "4,4,5,3,4,4,5,4,4,3,4,4", "ok", ""),
        ((1...12).map { "wai_\($0)" }.joined(separator: ","), "4,4,5,3,,4,5,4,4,3,4,4", "missing-field wai_sr[4]", "'wai_5' is empty; a WAI-SR needs all 12 items"),
        ((1...11).map { "wai_\($0)" }.joined(separator: ","), "4,4,5,3,4,4,5,4,4,3,4", "missing-field wai_sr[11]", "'wai_12' is empty; a WAI-SR needs all 12 items"),
        ((1...12).map { "wai_\($0)" }.joined(separator: ","), "4,4,5,3,4,4,5,4,4,3,4,6", "out-of-range wai_sr[11]", "6 is out of range 1…5"),
        ((1...12).map { "wai_\($0)" }.joined(separator: ","), "4,4,5,3,4,4,5,4,4,3,4,4.0", "wrong-type wai_sr[11]", "expected an integer, got 4.0"),
        ("ors_individually,ors_interpersonally,ors_socially,ors_overall", "5,5,,5", "missing-field ors.socially", "required field 'socially' is missing"),
        ("ors_individually,ors_interpersonally,ors_socially,ors_overall", "5,5,5,5", "ok", ""),
        ("ors_overall", "5", "missing-field ors.individually", "required field 'individually' is missing"),
        ("srs_relationship,srs_goals,srs_approach,srs_overall,markers", "9,9,9,9,rigid; ;sarcastic", "unknown-marker markers[1]", "'sarcastic' is not a known marker"),
        ("srs_relationship,srs_goals,srs_approach,srs_overall,markers", "9,9,9,9,;", "ok", ""),
        ("srs_relationship,srs_goals,srs_approach,srs_overall,episode_end", "9,9,9,9,maybe", "wrong-type episode_end", "expected true or false, got 'maybe'"),
        ("srs_relationship,srs_goals,srs_approach,srs_overall,motivation_ruler,motivation_level", "9,9,9,9,11,", "out-of-range profile.motivation.ruler", "11 is out of range 0…10"),
        ("srs_relationship,srs_goals,srs_approach,srs_overall,motivation_urica", "9,9,9,9,-5.5", "out-of-range profile.motivation.urica", "-5.5 is out of range -5…15"),
        ("srs_relationship,srs_goals,srs_approach,srs_overall,motivation_level", "9,9,9,9,Low", "out-of-range profile.motivation.level", "'Low' is not one of low, moderate, high"),
        ("srs_relationship,srs_goals,srs_approach,srs_overall,substance_use", "9,9,9,9,sometimes", "wrong-type profile.substance_use", "expected true or false, got 'sometimes'"),
        ("attendance,srs_relationship,srs_goals,srs_approach,srs_overall", "no-show,9,9,9,9", "ratings-on-missed-session srs", "a 'no-show' session cannot carry ratings"),
        ("attendance,srs_relationship,srs_goals,srs_approach,srs_overall", "cancelled-service,,,,", "ok", ""),
        ("attendance,srs_relationship,srs_goals,srs_approach,srs_overall", "absent,9,9,9,9", "out-of-range attendance", "'absent' is not one of attended, no-show, cancelled-client, cancelled-service"),
        ("id,srs_relationship,srs_goals,srs_approach,srs_overall", "my id,9,9,9,9", "invalid-format id", "expected 1–128 printable ASCII characters without spaces"),
        ("episode,srs_relationship,srs_goals,srs_approach,srs_overall", "1.5,9,9,9,9", "ok", ""),
    ])
    func groupsAndTypedColumns(columns: String, cells: String, summary: String, message: String) {
        let file = parse("client,session,date," + columns + "\nC-1,1,2026-01-05," + cells)
        #expect(file.fileRejection == nil)
        #expect(file.entries.map(ParsingFixture.summary) == ["2 " + summary])
        #expect(file.rejected.first?.issue.message ?? "" == message)
    }

    @Test func blankRowsAreSkippedAndLinesCounted() {
        let csv = srsHeader + "\n\n  \n,,,,,,\n\"\",,\n" + "C-1,1,2026-01-05,9,9,9,9\r\n\r\n" + "C-1,2,2026-01-12,9,9,9\n"
        let file = parse(csv)
        #expect(file.entries.map(ParsingFixture.summary) == ["6 ok", "8 missing-field srs.overall"])
    }

    @Test func missingTrailingCellsAreEmpty() {
        let file = parse("client,session,date,srs_relationship,srs_goals,srs_approach,srs_overall,markers,x-note\nC-1,1,2026-01-05,9,9,9,9")
        #expect(file.entries.map(ParsingFixture.summary) == ["2 ok"])
    }

    @Test func quotedCellsMayHoldCommasQuotesAndLineBreaks() throws {
        let csv = "client,session,date,srs_relationship,srs_goals,srs_approach,srs_overall,diagnoses,x-note\n" +
            "C-1,1,2026-01-05,9,9,9,9,\"F10.20;\"\"F32\"\"\",\"line one\nline two, still\r\nline three\"\n" +
            "C-1,2,2026-01-12,9,9,9,9\n" +
            "C-1,3,2026-01-19,9,9,99,9,\"\n\",x\n"
        let file = parse(csv)
        #expect(file.entries.map(ParsingFixture.summary) == ["4 ok", "5 ok", "7 out-of-range srs.approach"])
        guard case .session(let record) = file.records[0].record else {
            Issue.record("expected a session")
            return
        }
        #expect(record.profile?.diagnoses == ["F10.20", "\"F32\""])
        #expect(file.rejected[0].text == "C-1,3,2026-01-19,9,9,99,9,\"\n\",x")
    }

    @Test func aBadRowDoesNotStopTheNextOnes() {
        let csv = srsHeader + "\n" +
            "C-1,1,2026-01-05,9,9,9,9\n" +
            "C-1,2,2026-01-12,9,9,9,9,extra\n" +
            "C-1,3,2026-01-19,9,9,x\"y,9\n" +
            "C-1,4,2026-01-26,9,9,9,9\n" +
            "C-1,5,\"2026-02-02,9,9,9,9\n" +
            "C-1,6,2026-02-09,9,9,9,9\n"
        let file = parse(csv)
        #expect(file.entries.map(ParsingFixture.summary) == ["2 ok", "3 bad-csv-row -", "4 bad-csv-row -", "5 ok", "7 bad-csv-row -"])
        #expect(file.rejected.last?.issue.message == "the quoted cell 3 opened on line 6 is never closed")
    }

    @Test func invalidUTF8RejectsOnlyItsRow() {
        let bytes = Array((srsHeader + "\nC-1,1,2026-01-05,9,9,9,9\nC-1,2,2026-01-12,9,9,9,9,").utf8) + [0xC3, 0x28] + Array("\nC-1,3,2026-01-19,9,9,9,9".utf8)
        let file = ParsingFixture.parser.parseFile(name: "u.csv", bytes: bytes)
        #expect(file.entries.map(ParsingFixture.summary) == ["2 ok", "3 bad-csv-row -", "4 ok"])
        #expect(file.rejected[0].issue.message == "byte 26 of the row is not valid UTF-8")
    }

    @Test func numberCellsWithLeadingZerosKeepTheirValue() throws {
        let file = parse(srsHeader + "\nC-1,0010,2026-01-05,09.50,0,-0,0.0\n")
        guard case .session(let record) = try #require(file.records.first).record else {
            Issue.record("expected a session")
            return
        }
        #expect(record.session == 10)
        #expect(record.srs == SRSRatings(relationship: 9.5, goals: 0, approach: 0, overall: 0))
    }

    @Test(arguments: [
        ("9", "9"), ("-1.25", "-1.25"), ("007", "7"), ("-00.5", "-0.5"), ("0", "0"), ("-0", "-0"),
        ("", nil), ("-", nil), ("1.", nil), (".1", nil), ("1e5", nil), ("1,5", nil), (" 1", nil), ("1 ", nil), ("0x10", nil), ("--1", nil),
    ] as [(String, String?)])
    func plainDecimals(cell: String, json: String?) {
        let result = CSVRowTranslator.plainDecimal(Array(cell.utf8)).map { String(decoding: $0, as: UTF8.self) }
        #expect(result == json)
    }
}
