import Testing
@testable import AllianceCore

/// One record line that must be rejected, with the exact diagnostic.
struct ParsingInvalidCase: Sendable, CustomTestStringConvertible {
    let line: String
    let reason: RejectionReason
    let field: String?
    let message: String

    init(_ line: String, _ reason: RejectionReason, _ field: String?, _ message: String) {
        self.line = line
        self.reason = reason
        self.field = field
        self.message = message
    }

    var testDescription: String { "\(reason.rawValue) \(field ?? "-"): \(message)" }
}

private typealias Case = ParsingInvalidCase
private func base(_ members: String = "") -> String { ParsingFixture.line(members) }
private let srs9 = #""srs": {"relationship": 9, "goals": 9, "approach": 9, "overall": 9}"#

/// A record without ratings, so a test can add its own.
private func bare(_ members: String) -> String {
    #"{"schema": 1, "client": "C-1", "session": 1, "date": "2026-01-05", "# + members + "}"
}

private let idRule = "expected 1–64 letters, digits, '.', '_', ':' or '-', starting with a letter or digit"
private let dateRule = "is not an RFC 3339 date such as 2026-11-20 or 2026-11-20T14:30:00+01:00"

/// The 13 invalid lines of scenario p17, with the reasons scenarios/README.md gives.
private let scenarioP17Cases: [Case] = [
    Case(#"{"schema": 1, "client": "C-180", "clinician": "T-07", "session": 2, "date": "2026-01-12", "srs": {"relationship": 9.5, "goals": 9.5, "approach": 11, "overall": 9.5}}"#,
         .outOfRange, "srs.approach", "11 is out of range 0…10"),
    Case(#"{"schema": 1, "client": "C-180", "clinician": "T-07", "session": 3, "date": "2026-01-19", "srs": {"relationship": 7.5, "goals": 7.5, "approach": 7.5, "overall": 7.5}, "notes": "client seemed upset"}"#,
         .unknownField, "notes", "'notes' is not a known field"),
    Case(#"{"schema": 2, "client": "C-180", "clinician": "T-07", "session": 3, "date": "2026-01-19", "srs": {"relationship": 7.5, "goals": 7.5, "approach": 7.5, "overall": 7.5}}"#,
         .unsupportedSchema, "schema", "expected schema 1, got 2"),
    Case(#"{"schema": 1, "clinician": "T-07", "session": 3, "date": "2026-01-19", "srs": {"relationship": 7.5, "goals": 7.5, "approach": 7.5, "overall": 7.5}}"#,
         .missingField, "client", "required field 'client' is missing"),
    Case(#"{"schema": 1, "client": "C-180", "session": 3, "date": "2026-01-19", "attendance": "no-show", "srs": {"relationship": 7.5, "goals": 7.5, "approach": 7.5, "overall": 7.5}}"#,
         .ratingsOnMissedSession, "srs", "a 'no-show' session cannot carry ratings"),
    Case(#"{"schema": 1, "client": "C-180", "session": 3, "date": "2026-01-19", "srs": {"relationship": 7.5, "goals": 7.5, "approach": 7.5, "overall": 7.5}, "markers": ["sarcastic"]}"#,
         .unknownMarker, "markers[0]", "'sarcastic' is not a known marker"),
    Case(#"{"schema": 1, "client": "C-180", "session": 3, "#,
         .invalidJSON, nil, "unexpected end of the JSON text at column 48"),
    Case(#"{"schema": 1, "client": "C-180", "clinician": "T-07", "session": 3, "date": "2099-01-01", "srs": {"relationship": 7.5, "goals": 7.5, "approach": 7.5, "overall": 7.5}}"#,
         .futureDate, "date", "'2099-01-01' is more than one day after today (2026-11-28)"),
    Case(#"{"schema": 1, "client": "C-180", "clinician": "T-07", "session": "3", "date": "2026-01-19", "srs": {"relationship": 7.5, "goals": 7.5, "approach": 7.5, "overall": 7.5}}"#,
         .wrongType, "session", "expected an integer, got '3'"),
    Case(#"{"schema": 1, "client": "C-180", "session": 3, "date": "2026-01-19", "wai_sr": [4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4]}"#,
         .wrongLength, "wai_sr", "expected 12 items, got 11"),
    Case(#"{"schema": 1, "client": "C-180", "session": 3, "date": "2026-01-19", "psq": {"tension": true, "resolution": 2}}"#,
         .missingField, "psq.intensity", "'intensity' is required when tension is true"),
    Case(#"{"schema": 1, "client": "Jane Doe", "clinician": "T-07", "session": 3, "date": "2026-01-19", "srs": {"relationship": 7.5, "goals": 7.5, "approach": 7.5, "overall": 7.5}}"#,
         .invalidFormat, "client", idRule),
    Case(#"{"schema": 1, "client": "C-180", "session": 3, "date": "2026-01-19"}"#,
         .noRatings, nil, "an attended session needs at least one of srs, wai_sr, psq or ors"),
]

private let topLevelCases: [Case] = [
    Case(#"{"client": "C-1", "session": 1, "date": "2026-01-05", "# + srs9 + "}", .missingField, "schema", "required field 'schema' is missing"),
    Case(base().replacing(#""schema": 1"#, with: #""schema": 1.0"#), .unsupportedSchema, "schema", "expected schema 1, got 1.0"),
    Case(base().replacing(#""schema": 1"#, with: #""schema": "1""#), .unsupportedSchema, "schema", "expected schema 1, got '1'"),
    Case(base().replacing(#""schema": 1"#, with: #""schema": true"#), .unsupportedSchema, "schema", "expected schema 1, got true"),
    Case(base().replacing(#""schema": 1"#, with: #""schema": 1e0"#), .unsupportedSchema, "schema", "expected schema 1, got 1e0"),
    // A schema 2 record may have keys schema 1 does not know: the schema is reported first.
    Case(bare(#""schema": 2, "mood": 3"#).replacing(#""schema": 1, "#, with: ""), .unsupportedSchema, "schema", "expected schema 1, got 2"),
    Case(base(#""type": "visit""#), .outOfRange, "type", "'visit' is not one of session, profile"),
    Case(base(#""type": "Session""#), .outOfRange, "type", "'Session' is not one of session, profile"),
    Case(base(#""type": 1"#), .wrongType, "type", "expected a string, got 1"),
    Case(base(#""type": null"#), .wrongType, "type", "expected a string, got null"),
    Case(base(#""id": """#), .invalidFormat, "id", "expected 1–128 printable ASCII characters without spaces"),
    Case(base(#""id": "a b""#), .invalidFormat, "id", "expected 1–128 printable ASCII characters without spaces"),
    Case(base(#""id": "é""#), .invalidFormat, "id", "expected 1–128 printable ASCII characters without spaces"),
    Case(base(#""id": ""# + String(repeating: "a", count: 129) + #"""#), .invalidFormat, "id", "expected 1–128 printable ASCII characters without spaces"),
    Case(base(#""id": 5"#), .wrongType, "id", "expected a string, got 5"),
    Case(base().replacing(#""C-1""#, with: "102"), .wrongType, "client", "expected a string, got 102"),
    Case(base().replacing(#""C-1""#, with: #""-C1""#), .invalidFormat, "client", idRule),
    Case(base().replacing(#""C-1""#, with: #""""#), .invalidFormat, "client", idRule),
    Case(base().replacing(#""C-1""#, with: #"""# + String(repeating: "c", count: 65) + #"""#), .invalidFormat, "client", idRule),
    Case(base().replacing(#""C-1""#, with: #""C/1""#), .invalidFormat, "client", idRule),
    Case(base(#""clinician": "T 07""#), .invalidFormat, "clinician", idRule),
    Case(base(#""clinician": ["T-07"]"#), .wrongType, "clinician", "expected a string, got an array"),
    Case(base(#""episode": 1"#), .wrongType, "episode", "expected a string, got 1"),
    Case(base(#""episode": "_1""#), .invalidFormat, "episode", idRule),
    Case(base().replacing(#""session": 1"#, with: #""session": 4.0"#), .wrongType, "session", "expected an integer, got 4.0"),
    Case(base().replacing(#""session": 1"#, with: #""session": 1e2"#), .wrongType, "session", "expected an integer, got 1e2"),
    Case(base().replacing(#""session": 1"#, with: #""session": true"#), .wrongType, "session", "expected an integer, got true"),
    Case(base().replacing(#""session": 1"#, with: #""session": null"#), .wrongType, "session", "expected an integer, got null"),
    Case(base().replacing(#""session": 1"#, with: #""session": {}"#), .wrongType, "session", "expected an integer, got an object"),
    Case(base().replacing(#""session": 1"#, with: #""session": 0"#), .outOfRange, "session", "0 is out of range 1…10000"),
    Case(base().replacing(#""session": 1"#, with: #""session": -3"#), .outOfRange, "session", "-3 is out of range 1…10000"),
    Case(base().replacing(#""session": 1"#, with: #""session": 10001"#), .outOfRange, "session", "10001 is out of range 1…10000"),
    Case(base().replacing(#""session": 1"#, with: #""session": 123456789012345678901234567890"#), .outOfRange, "session", "123456789012345678901234567890 is out of range 1…10000"),
    Case(base().replacing(#""session": 1, "#, with: ""), .missingField, "session", "required field 'session' is missing"),
    Case(base().replacing(#""date": "2026-01-05", "#, with: ""), .missingField, "date", "required field 'date' is missing"),
    Case(base().replacing("2026-01-05", with: "2026-02-30"), .invalidFormat, "date", "'2026-02-30' is not a real calendar date"),
    Case(base().replacing("2026-01-05", with: "2026-13-01"), .invalidFormat, "date", "'2026-13-01' is not a real calendar date"),
    Case(base().replacing("2026-01-05", with: "0000-01-01"), .invalidFormat, "date", "'0000-01-01' is not a real calendar date"),
    Case(base().replacing("2026-01-05", with: "2026-1-5"), .invalidFormat, "date", "'2026-1-5' \(dateRule)"),
    Case(base().replacing("2026-01-05", with: "05.01.2026"), .invalidFormat, "date", "'05.01.2026' \(dateRule)"),
    Case(base().replacing("2026-01-05", with: "2026-01-05T10:00:00"), .invalidFormat, "date", "'2026-01-05T10:00:00' \(dateRule)"),
    Case(base().replacing("2026-01-05", with: "2026-01-05t10:00:00Z"), .invalidFormat, "date", "'2026-01-05t10:00:00Z' \(dateRule)"),
    Case(base().replacing("2026-01-05", with: "2026-01-05 10:00:00Z"), .invalidFormat, "date", "'2026-01-05 10:00:00Z' \(dateRule)"),
    Case(base().replacing("2026-01-05", with: "2026-01-05T10:00:00z"), .invalidFormat, "date", "'2026-01-05T10:00:00z' \(dateRule)"),
    Case(base().replacing("2026-01-05", with: "2026-01-05T10:00:00+0100"), .invalidFormat, "date", "'2026-01-05T10:00:00+0100' \(dateRule)"),
    Case(base().replacing("2026-01-05", with: "2026-01-05T10:00:00.Z"), .invalidFormat, "date", "'2026-01-05T10:00:00.Z' \(dateRule)"),
    Case(base().replacing("2026-01-05", with: "2026-01-05T25:00:00Z"), .invalidFormat, "date", "'2026-01-05T25:00:00Z' has an impossible time of day or offset"),
    Case(base().replacing("2026-01-05", with: "2026-01-05T10:00+24:00"), .invalidFormat, "date", "'2026-01-05T10:00+24:00' has an impossible time of day or offset"),
    Case(base().replacing(#""2026-01-05""#, with: "20260105"), .wrongType, "date", "expected a string, got 20260105"),
    Case(base().replacing("2026-01-05", with: "2026-11-30"), .futureDate, "date", "'2026-11-30' is more than one day after today (2026-11-28)"),
    Case(base().replacing("2026-01-05", with: "2026-11-30T00:30:00+14:00"), .futureDate, "date", "'2026-11-30T00:30:00+14:00' is more than one day after today (2026-11-28)"),
    Case(base(#""attendance": "absent""#), .outOfRange, "attendance", "'absent' is not one of attended, no-show, cancelled-client, cancelled-service"),
    Case(base(#""attendance": "No-Show""#), .outOfRange, "attendance", "'No-Show' is not one of attended, no-show, cancelled-client, cancelled-service"),
    Case(base(#""attendance": "a\nb""#), .outOfRange, "attendance", "'a\\nb' is not one of attended, no-show, cancelled-client, cancelled-service"),
    Case(base(#""attendance": ""# + String(repeating: "z", count: 50) + #"""#), .outOfRange, "attendance", "'" + String(repeating: "z", count: 40) + "…' is not one of attended, no-show, cancelled-client, cancelled-service"),
    Case(base(#""attendance": 1"#), .wrongType, "attendance", "expected a string, got 1"),
    Case(base(#""episode_end": "no""#), .wrongType, "episode_end", "expected true or false, got 'no'"),
    Case(base(#""episode_end": 0"#), .wrongType, "episode_end", "expected true or false, got 0"),
    Case(base(#""notes": "x""#), .unknownField, "notes", "'notes' is not a known field"),
    Case(base(#""X-note": "x""#), .unknownField, "X-note", "'X-note' is not a known field"),
    Case(base(#""x": "x""#), .unknownField, "x", "'x' is not a known field"),
    Case(base(#""Client": "x""#), .unknownField, "Client", "'Client' is not a known field"),
    Case(base(#""substance_use": true"#), .unknownField, "substance_use", "'substance_use' is not a known field"),
    Case(base(#""x-big": 1e400"#), .outOfRange, "x-big", "1e400 is too large to represent"),
    Case(base(#""x-list": [{"a": -1E999}]"#), .outOfRange, "x-list[0].a", "-1E999 is too large to represent"),
    Case("[]", .wrongType, nil, "expected a record object, got an array"),
    Case(#""session""#, .wrongType, nil, "expected a record object, got 'session'"),
    Case("3", .wrongType, nil, "expected a record object, got 3"),
]

private let ratingCases: [Case] = [
    Case(bare(#""srs": "high""#), .wrongType, "srs", "expected an object, got 'high'"),
    Case(bare(#""srs": {"relationship": 9, "approach": 9, "overall": 9}"#), .missingField, "srs.goals", "required field 'goals' is missing"),
    Case(bare(#""srs": {}"#), .missingField, "srs.relationship", "required field 'relationship' is missing"),
    Case(bare(#""srs": {"relationship": 9, "goals": 9, "approach": 9, "overall": 9, "comfort": 9}"#), .unknownField, "srs.comfort", "'comfort' is not a known field"),
    Case(bare(#""srs": {"relationship": 9, "goals": 9, "approach": "9", "overall": 9}"#), .wrongType, "srs.approach", "expected a number, got '9'"),
    Case(bare(#""srs": {"relationship": 9, "goals": 9, "approach": null, "overall": 9}"#), .wrongType, "srs.approach", "expected a number, got null"),
    Case(bare(#""srs": {"relationship": 9, "goals": 9, "approach": -0.5, "overall": 9}"#), .outOfRange, "srs.approach", "-0.5 is out of range 0…10"),
    Case(bare(#""srs": {"relationship": 9, "goals": 9, "approach": 10.000001, "overall": 9}"#), .outOfRange, "srs.approach", "10.000001 is out of range 0…10"),
    Case(bare(#""srs": {"relationship": 9, "goals": 9, "approach": 1e400, "overall": 9}"#), .outOfRange, "srs.approach", "1e400 is too large to represent"),
    Case(bare(#""srs": {"relationship": 9, "goals": 9, "approach": 9, "overall": 9, "x-rater": "nurse", "Overall": 9}"#), .unknownField, "srs.Overall", "'Overall' is not a known field"),
    Case(bare(#""ors": {"individually": 5, "interpersonally": 5, "overall": 5}"#), .missingField, "ors.socially", "required field 'socially' is missing"),
    Case(bare(#""ors": {"individually": 5, "interpersonally": 5, "socially": 5, "overall": 10.5}"#), .outOfRange, "ors.overall", "10.5 is out of range 0…10"),
    Case(bare(#""ors": {"individually": 5, "interpersonally": 5, "socially": 5, "overall": 5, "total": 20}"#), .unknownField, "ors.total", "'total' is not a known field"),
    Case(bare(#""ors": [5, 5, 5, 5]"#), .wrongType, "ors", "expected an object, got an array"),
    Case(bare(#""wai_sr": [4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4]"#), .wrongLength, "wai_sr", "expected 12 items, got 13"),
    Case(bare(#""wai_sr": []"#), .wrongLength, "wai_sr", "expected 12 items, got 0"),
    Case(bare(#""wai_sr": [4, 4, 4, 6, 4, 4, 4, 4, 4, 4, 4, 4]"#), .outOfRange, "wai_sr[3]", "6 is out of range 1…5"),
    Case(bare(#""wai_sr": [4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 0]"#), .outOfRange, "wai_sr[11]", "0 is out of range 1…5"),
    Case(bare(#""wai_sr": [4, 4, 4, 4.0, 4, 4, 4, 4, 4, 4, 4, 4]"#), .wrongType, "wai_sr[3]", "expected an integer, got 4.0"),
    Case(bare(#""wai_sr": [4, "4", 4, 4, 4, 4, 4, 4, 4, 4, 4, 4]"#), .wrongType, "wai_sr[1]", "expected an integer, got '4'"),
    Case(bare(#""wai_sr": {"1": 4}"#), .wrongType, "wai_sr", "expected an array, got an object"),
    Case(bare(#""psq": {"intensity": 3, "resolution": 2}"#), .missingField, "psq.tension", "required field 'tension' is missing"),
    Case(bare(#""psq": {"tension": "yes"}"#), .wrongType, "psq.tension", "expected true or false, got 'yes'"),
    Case(bare(#""psq": {"tension": true, "intensity": 3}"#), .missingField, "psq.resolution", "'resolution' is required when tension is true"),
    Case(bare(#""psq": {"tension": false, "intensity": 6}"#), .outOfRange, "psq.intensity", "6 is out of range 1…5"),
    Case(bare(#""psq": {"tension": false, "resolution": 2.5}"#), .wrongType, "psq.resolution", "expected an integer, got 2.5"),
    Case(bare(#""psq": {"tension": true, "intensity": 3, "resolution": 2, "note": "x"}"#), .unknownField, "psq.note", "'note' is not a known field"),
    Case(bare(#""psq": true"#), .wrongType, "psq", "expected an object, got true"),
    Case(bare(#""attendance": "cancelled-client", "wai_sr": [4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4]"#), .ratingsOnMissedSession, "wai_sr", "a 'cancelled-client' session cannot carry ratings"),
    Case(bare(#""attendance": "cancelled-service", "psq": {"tension": false}"#), .ratingsOnMissedSession, "psq", "a 'cancelled-service' session cannot carry ratings"),
    Case(bare(#""ors": {"individually": 5, "interpersonally": 5, "socially": 5, "overall": 5}, "attendance": "no-show""#), .ratingsOnMissedSession, "ors", "a 'no-show' session cannot carry ratings"),
    Case(bare(#""x-srs": {"relationship": 9}"#), .noRatings, nil, "an attended session needs at least one of srs, wai_sr, psq or ors"),
    Case(bare(#""markers": ["rigid"]"#), .noRatings, nil, "an attended session needs at least one of srs, wai_sr, psq or ors"),
]

private let markerAndProfileCases: [Case] = [
    Case(base(#""markers": "rigid""#), .wrongType, "markers", "expected an array, got 'rigid'"),
    Case(base(#""markers": [1]"#), .wrongType, "markers[0]", "expected a string, got 1"),
    Case(base(#""markers": ["rigid", "sarcastic"]"#), .unknownMarker, "markers[1]", "'sarcastic' is not a known marker"),
    Case(base(#""markers": ["Rigid"]"#), .unknownMarker, "markers[0]", "'Rigid' is not a known marker"),
    Case(base(#""markers": ["rigid "]"#), .unknownMarker, "markers[0]", "'rigid ' is not a known marker"),
    Case(bare(#""attendance": "no-show", "markers": ["late"]"#), .unknownMarker, "markers[0]", "'late' is not a known marker"),
    Case(base(#""profile": []"#), .wrongType, "profile", "expected an object, got an array"),
    Case(base(#""profile": {"substance_use": "yes"}"#), .wrongType, "profile.substance_use", "expected true or false, got 'yes'"),
    Case(base(#""profile": {"smoker": true}"#), .unknownField, "profile.smoker", "'smoker' is not a known field"),
    Case(base(#""profile": {"client": "C-1"}"#), .unknownField, "profile.client", "'client' is not a known field"),
    Case(base(#""profile": {"diagnoses": "F10.20"}"#), .wrongType, "profile.diagnoses", "expected an array, got 'F10.20'"),
    Case(base(#""profile": {"diagnoses": ["F10.20", 10]}"#), .wrongType, "profile.diagnoses[1]", "expected a string, got 10"),
    Case(base(#""profile": {"motivation": {}}"#), .missingField, "profile.motivation", "expected at least one of 'ruler', 'urica' or 'level'"),
    Case(base(#""profile": {"motivation": {"x-source": "intake"}}"#), .missingField, "profile.motivation", "expected at least one of 'ruler', 'urica' or 'level'"),
    Case(base(#""profile": {"motivation": 3}"#), .wrongType, "profile.motivation", "expected an object, got 3"),
    Case(base(#""profile": {"motivation": {"ruler": 11}}"#), .outOfRange, "profile.motivation.ruler", "11 is out of range 0…10"),
    Case(base(#""profile": {"motivation": {"ruler": "3"}}"#), .wrongType, "profile.motivation.ruler", "expected a number, got '3'"),
    Case(base(#""profile": {"motivation": {"urica": -6}}"#), .outOfRange, "profile.motivation.urica", "-6 is out of range -5…15"),
    Case(base(#""profile": {"motivation": {"urica": 15.5}}"#), .outOfRange, "profile.motivation.urica", "15.5 is out of range -5…15"),
    Case(base(#""profile": {"motivation": {"level": "medium"}}"#), .outOfRange, "profile.motivation.level", "'medium' is not one of low, moderate, high"),
    Case(base(#""profile": {"motivation": {"level": 1}}"#), .wrongType, "profile.motivation.level", "expected a string, got 1"),
    Case(base(#""profile": {"motivation": {"ruler": 3, "stage": "contemplation"}}"#), .unknownField, "profile.motivation.stage", "'stage' is not a known field"),
    Case(#"{"schema": 1, "type": "profile", "client": "C-1", "session": 1}"#, .unknownField, "session", "'session' is not a known field"),
    Case(#"{"schema": 1, "type": "profile", "client": "C-1", "profile": {}}"#, .unknownField, "profile", "'profile' is not a known field"),
    Case(#"{"schema": 1, "type": "profile", "substance_use": true}"#, .missingField, "client", "required field 'client' is missing"),
    Case(#"{"schema": 1, "type": "profile", "client": "Jane Doe"}"#, .invalidFormat, "client", idRule),
    Case(#"{"schema": 1, "type": "profile", "client": "C-1", "id": "a b"}"#, .invalidFormat, "id", "expected 1–128 printable ASCII characters without spaces"),
    Case(#"{"schema": 1, "type": "profile", "client": "C-1", "motivation": {}}"#, .missingField, "motivation", "expected at least one of 'ruler', 'urica' or 'level'"),
    Case(#"{"schema": 1, "type": "profile", "client": "C-1", "motivation": {"ruler": -1}}"#, .outOfRange, "motivation.ruler", "-1 is out of range 0…10"),
    Case(#"{"schema": 1, "type": "profile", "client": "C-1", "diagnoses": [true]}"#, .wrongType, "diagnoses[0]", "expected a string, got true"),
    Case(#"{"schema": 1, "type": "profile", "client": "C-1", "substance_use": 1}"#, .wrongType, "substance_use", "expected true or false, got 1"),
    Case(#"{"type": "profile", "client": "C-1"}"#, .missingField, "schema", "required field 'schema' is missing"),
    Case(#"{"schema": 2, "type": "profile", "client": "C-1"}"#, .unsupportedSchema, "schema", "expected schema 1, got 2"),
]

/// Lines that are not strict RFC 8259 JSON (SPEC §3.1 `invalid-json`).
private let syntaxCases: [Case] = [
    Case(#"{"schema": 1,}"#, .invalidJSON, nil, "trailing comma before '}' at column 14"),
    Case(#"{"a": [1, 2,]}"#, .invalidJSON, nil, "trailing comma before ']' at column 13"),
    Case(#"{"a": NaN}"#, .invalidJSON, nil, "'NaN' is not a JSON value at column 7"),
    Case(#"{"a": Infinity}"#, .invalidJSON, nil, "'Infinity' is not a JSON value at column 7"),
    Case(#"{"a": -Infinity}"#, .invalidJSON, nil, "'-Infinity' is not a JSON value at column 7"),
    Case(#"{"a": True}"#, .invalidJSON, nil, "'True' is not a JSON value at column 7"),
    Case(#"{"a": tru}"#, .invalidJSON, nil, "'tru' is not a JSON value at column 7"),
    Case(#"{"a": nullx}"#, .invalidJSON, nil, "'nullx' is not a JSON value at column 7"),
    Case(#"{"a": 01}"#, .invalidJSON, nil, "number '01' has a leading zero at column 7"),
    Case(#"{"a": -007}"#, .invalidJSON, nil, "number '-007' has a leading zero at column 7"),
    Case(#"{"a": 1.}"#, .invalidJSON, nil, "number '1.' has no digits after the decimal point at column 7"),
    Case(#"{"a": 1e}"#, .invalidJSON, nil, "number '1e' has no digits in its exponent at column 7"),
    Case(#"{"a": 1e+}"#, .invalidJSON, nil, "number '1e+' has no digits in its exponent at column 7"),
    Case(#"{"a": .5}"#, .invalidJSON, nil, "'.5' is not a JSON value at column 7"),
    Case(#"{"a": +1}"#, .invalidJSON, nil, "'+1' is not a JSON value at column 7"),
    Case(#"{"a": -}"#, .invalidJSON, nil, "'-' is not a number at column 7"),
    Case(#"{"a": 0x1F}"#, .invalidJSON, nil, "'0x1F' is not a JSON value at column 7"),
    Case(#"{"a": 1.5.2}"#, .invalidJSON, nil, "'1.5.2' is not a JSON value at column 7"),
    Case("{\"a\": \"x\ty\"}", .invalidJSON, nil, "unescaped control character U+0009 in a string at column 9"),
    Case("{\"a\": \"x\u{1}\"}", .invalidJSON, nil, "unescaped control character U+0001 in a string at column 9"),
    Case(#"{"a": "\x"}"#, .invalidJSON, nil, #"invalid escape '\x' in a string at column 8"#),
    Case(#"{"a": "\'"}"#, .invalidJSON, nil, #"invalid escape '\'' in a string at column 8"#),
    Case(#"{"a": "\u12G4"}"#, .invalidJSON, nil, #"invalid escape '\u12G4' in a string at column 8"#),
    Case(#"{"a": "\u12"}"#, .invalidJSON, nil, #"invalid escape '\u12"}' in a string at column 8"#),
    Case(#"{"a": "\uD800"}"#, .invalidJSON, nil, #"unpaired surrogate '\uD800' in a string at column 8"#),
    Case(#"{"a": "\uDC00\uD800"}"#, .invalidJSON, nil, #"unpaired surrogate '\uDC00' in a string at column 8"#),
    Case(#"{"a": "\uD83D\u0041"}"#, .invalidJSON, nil, #"unpaired surrogate '\uD83D' in a string at column 8"#),
    Case(#"{"a": "\uD83D\uD83D"}"#, .invalidJSON, nil, #"unpaired surrogate '\uD83D' in a string at column 8"#),
    Case(#"{"a": "abc"#, .invalidJSON, nil, "unterminated string at column 7"),
    Case(#"{"a": 1, "a": 2}"#, .invalidJSON, nil, "duplicate key 'a' at column 10"),
    Case(#"{"a": 1, "\u0061": 2}"#, .invalidJSON, nil, "duplicate key 'a' at column 10"),
    Case(#"{"x-a": {"b": 1, "b": 1}}"#, .invalidJSON, nil, "duplicate key 'b' at column 18"),
    Case(#"{"a": 1} x"#, .invalidJSON, nil, "unexpected 'x' after the JSON value at column 10"),
    Case(#"{"a": 1}{}"#, .invalidJSON, nil, "unexpected '{' after the JSON value at column 9"),
    Case(#"{"a" 1}"#, .invalidJSON, nil, "expected ':' after the key, got '1' at column 6"),
    Case(#"{a: 1}"#, .invalidJSON, nil, "expected a quoted key, got 'a' at column 2"),
    Case(#"{'a': 1}"#, .invalidJSON, nil, "expected a quoted key, got a single quote at column 2"),
    Case(#"{"a": 'x'}"#, .invalidJSON, nil, "expected a value, got a single quote at column 7"),
    Case(#"{"a": 1 "b": 2}"#, .invalidJSON, nil, #"expected ',' or '}', got '"' at column 9"#),
    Case(#"{"a": [1 2]}"#, .invalidJSON, nil, "expected ',' or ']', got '2' at column 10"),
    Case(#"{"a": }"#, .invalidJSON, nil, "expected a value, got '}' at column 7"),
    Case(#"{"a": [,1]}"#, .invalidJSON, nil, "expected a value, got ',' at column 8"),
    Case("{\"a\": 1,\u{0B}\"b\": 2}", .invalidJSON, nil, "expected a quoted key, got byte 0x0B at column 9"),
    Case(#"{"schema": 1"#, .invalidJSON, nil, "unexpected end of the JSON text at column 13"),
    Case(#"{"a": [1, 2]"#, .invalidJSON, nil, "unexpected end of the JSON text at column 13"),
    Case(#"{"a": "\"#, .invalidJSON, nil, "unexpected end of the JSON text at column 9"),
    Case("\u{FEFF}{}", .invalidJSON, nil, "the text starts with a byte order mark; save it as UTF-8 without BOM at column 1"),
    Case("\u{A0}{}", .invalidJSON, nil, "expected a value, got byte 0xC2 at column 1"),
    Case(#"{"x-a": "# + String(repeating: "[", count: 600) + String(repeating: "]", count: 600) + "}", .invalidJSON, nil, "nesting deeper than 512 levels at column 520"),
    Case("{" + (0..<40).map { #""x-\#($0)": \#($0), "# }.joined() + #""x-7": 1}"#, .invalidJSON, nil, "duplicate key 'x-7' at column 462"),
]

@Suite struct ParsingInvalidRecordTests {
    @Test(arguments: scenarioP17Cases)
    func scenarioP17LinesAreRejected(_ invalid: ParsingInvalidCase) { check(invalid) }

    @Test(arguments: topLevelCases)
    func topLevelFields(_ invalid: ParsingInvalidCase) { check(invalid) }

    @Test(arguments: ratingCases)
    func ratings(_ invalid: ParsingInvalidCase) { check(invalid) }

    @Test(arguments: markerAndProfileCases)
    func markersAndProfiles(_ invalid: ParsingInvalidCase) { check(invalid) }

    @Test(arguments: syntaxCases)
    func syntax(_ invalid: ParsingInvalidCase) { check(invalid) }

    @Test func invalidUTF8() {
        let cases: [([UInt8], String)] = [
            ([0xFF], "invalid UTF-8 byte 0xFF at column 10"),
            ([0xC0, 0x80], "invalid UTF-8 byte 0xC0 at column 10"),          // overlong NUL
            ([0xE0, 0x80, 0xAF], "invalid UTF-8 byte 0xE0 at column 10"),    // overlong '/'
            ([0xED, 0xA0, 0x80], "invalid UTF-8 byte 0xED at column 10"),    // encoded surrogate
            ([0xF4, 0x90, 0x80, 0x80], "invalid UTF-8 byte 0xF4 at column 10"), // above U+10FFFF
            ([0xC3], "invalid UTF-8 byte 0xC3 at column 10"),                // truncated
            ([0x80], "invalid UTF-8 byte 0x80 at column 10"),                // lone continuation
        ]
        for (bytes, message) in cases {
            let line = Array(#"{"x-a": ""#.utf8) + bytes + Array(#""}"#.utf8)
            let file = ParsingFixture.parser.parseFile(name: "u.jsonl", bytes: line)
            #expect(file.rejected.first?.issue == RecordIssue(line: 1, reason: .invalidJSON, message: message))
        }
    }

    private func check(_ invalid: ParsingInvalidCase) {
        let issue = ParsingFixture.issue(invalid.line)
        #expect(issue?.reason == invalid.reason)
        #expect(issue?.field == invalid.field)
        #expect(issue?.message == invalid.message)
        #expect(issue?.line == 1)
    }
}
