import AllianceConfig
import Foundation
import Testing

/// An invalid fixture and every diagnostic it must produce, in order.
struct InvalidConfigCase: Sendable, CustomTestStringConvertible {
    var name: String
    var expected: [String]

    var file: String { "invalid-\(name).toml" }
    var testDescription: String { name }
}

private let knownRules = "below-cutoff, dip, rupture, repaired, unrepaired, decline, rigid-pattern, "
    + "uninvolved-pattern, early-risk, client-tension, outcome-decline, clinician-pattern, missed-after-alert, lapse"
private let knownTables = "spool, state, baseline, instruments, rupture, decline, pattern, markers, risk, "
    + "tension, missed, outcome, clinician, lapse, digest, rules"
private let knownPriorities = "err, warning, notice, info"

let invalidConfigCases: [InvalidConfigCase] = [
    InvalidConfigCase(name: "unknown-key", expected: [
        "invalid-unknown-key.toml:4: spool.max_bytes: unknown key (known: directory, max_file_bytes, keep_processed_days)",
    ]),
    InvalidConfigCase(name: "unknown-table", expected: [
        "invalid-unknown-table.toml:4: alerts: unknown table (known: \(knownTables))",
        "invalid-unknown-table.toml:7: instruments.ors: unknown table (known: srs, wai_sr)",
    ]),
    InvalidConfigCase(name: "unknown-rule", expected: [
        "invalid-unknown-rule.toml:4: rules.dips: 'dips' is not a rule (known: \(knownRules))",
        "invalid-unknown-rule.toml:8: rules.lapse.enable: unknown key (known: enabled, priority)",
    ]),
    InvalidConfigCase(name: "string-for-number", expected: [
        "invalid-string-for-number.toml:2: instruments.srs.cutoff: expected a number, got '36'",
        "invalid-string-for-number.toml:6: decline.h: expected a number, got true",
    ]),
    InvalidConfigCase(name: "float-for-integer", expected: [
        "invalid-float-for-integer.toml:2: spool.max_file_bytes: expected an integer, got 3.0",
        "invalid-float-for-integer.toml:5: pattern.window: expected an integer, got 3.0",
        "invalid-float-for-integer.toml:8: tension.min_intensity: expected an integer, got 3.5",
    ]),
    InvalidConfigCase(name: "out-of-range", expected: [
        "invalid-out-of-range.toml:2: spool.max_file_bytes: 0 must be at least 1",
        "invalid-out-of-range.toml:3: spool.keep_processed_days: -1 must be at least 0",
        "invalid-out-of-range.toml:6: baseline.window: 10001 is out of range 1…10000",
        "invalid-out-of-range.toml:9: instruments.srs.cutoff: 41.0 is out of range 0…40",
        "invalid-out-of-range.toml:10: instruments.srs.reliability: 1.0 must be at least 0 and less than 1",
        "invalid-out-of-range.toml:11: instruments.srs.sd: 0 must be greater than 0",
        "invalid-out-of-range.toml:14: instruments.wai_sr.cutoff: 0.5 is out of range 1…5",
        "invalid-out-of-range.toml:15: instruments.wai_sr.component_cutoff: 6 is out of range 1…5",
        "invalid-out-of-range.toml:18: rupture.z: 0.5 must be less than 0",
        "invalid-out-of-range.toml:19: rupture.repair_margin: -0.1 must be at least 0",
        "invalid-out-of-range.toml:22: decline.h: 0.0 must be greater than 0",
        "invalid-out-of-range.toml:25: risk.ruler_low_max: 11 is out of range 0…10",
        "invalid-out-of-range.toml:26: risk.urica_low_below: -6.0 is out of range -5…15",
        "invalid-out-of-range.toml:29: tension.min_intensity: 6 is out of range 1…5",
        "invalid-out-of-range.toml:32: clinician.min_clients: 0 is out of range 1…100000",
        "invalid-out-of-range.toml:33: clinician.window_days: 36501 is out of range 1…36500",
        "invalid-out-of-range.toml:36: outcome.rci: -5 must be greater than 0",
    ]),
    InvalidConfigCase(name: "non-finite", expected: [
        "invalid-non-finite.toml:2: instruments.srs.sd: inf is not a finite number",
        "invalid-non-finite.toml:3: instruments.srs.dip: nan is not a finite number",
        "invalid-non-finite.toml:6: rupture.z: -inf is not a finite number",
    ]),
    InvalidConfigCase(name: "min-sessions-above-window", expected: [
        "invalid-min-sessions-above-window.toml:3: pattern.min_sessions: 4 must not exceed pattern.window (3)",
    ]),
    InvalidConfigCase(name: "window-below-default-min-sessions", expected: [
        "invalid-window-below-default-min-sessions.toml:3: pattern.window: 1 must not be below pattern.min_sessions (2)",
    ]),
    InvalidConfigCase(name: "days-above-max-days", expected: [
        "invalid-days-above-max-days.toml:2: lapse.days: 100 must not exceed lapse.max_days (90)",
    ]),
    InvalidConfigCase(name: "priority-name", expected: [
        "invalid-priority-name.toml:2: rules.rupture.priority: 'urgent' is not a priority (known: \(knownPriorities))",
        "invalid-priority-name.toml:5: rules.dip.priority: 'Warning' is not a priority (known: \(knownPriorities))",
        "invalid-priority-name.toml:8: rules.decline.priority: expected a string, got 4",
        "invalid-priority-name.toml:9: rules.decline.enabled: expected a boolean, got 'no'",
    ]),
    InvalidConfigCase(name: "empty-marker", expected: [
        "invalid-empty-marker.toml:2: markers.rigid[1]: expected a non-empty string, got ''",
        "invalid-empty-marker.toml:5: markers.uninvolved[1]: expected a non-empty string, got '   '",
        "invalid-empty-marker.toml:6: markers.uninvolved[2]: expected a string, got 7",
        "invalid-empty-marker.toml:10: risk.excluded_codes[1]: '.' would exclude every code once spaces and dots are removed",
    ]),
    InvalidConfigCase(name: "syntax", expected: [
        "invalid-syntax.toml:4: Error while parsing table header: expected ']', saw '\\n' (column 7)",
    ]),
    InvalidConfigCase(name: "wrong-shape", expected: [
        "invalid-wrong-shape.toml:1: spool: expected a table, got '/var/spool/alliance-watch'",
        "invalid-wrong-shape.toml:2: cutoff: unknown key (known: \(knownTables))",
        "invalid-wrong-shape.toml:4: state: expected a table, got a list of tables",
        "invalid-wrong-shape.toml:8: rules.enabled: 'enabled' is not a rule (known: \(knownRules))",
        "invalid-wrong-shape.toml:9: rules.dip: expected a table, got true",
        "invalid-wrong-shape.toml:12: markers.rigid: expected a list of strings, got 'rigid'",
    ]),
    InvalidConfigCase(name: "inline-and-dotted", expected: [
        "invalid-inline-and-dotted.toml:8: spool.max_file_bytes: expected an integer, got 2.5",
        "invalid-inline-and-dotted.toml:11: instruments.srs.cutoff: 50 is out of range 0…40",
        "invalid-inline-and-dotted.toml:12: instruments.wai_sr.sd: -1 must be greater than 0",
        "invalid-inline-and-dotted.toml:12: instruments.wai_sr.dip: expected a number, got 'x'",
        "invalid-inline-and-dotted.toml:15: rules.dip.priority: 'loud' is not a priority (known: \(knownPriorities))",
    ]),
    InvalidConfigCase(name: "several-problems", expected: [
        "invalid-several-problems.toml:3: spool.max_file_bytes: expected an integer, got 8.0",
        "invalid-several-problems.toml:4: spool.directory: expected a non-empty path, got ''",
        "invalid-several-problems.toml:7: instruments.srs.cutoff: 41.0 is out of range 0…40",
        "invalid-several-problems.toml:8: instruments.srs.dip: expected a number, got 'one'",
        "invalid-several-problems.toml:11: pattern.min_sessions: 4 must not exceed pattern.window (3)",
        "invalid-several-problems.toml:15: lapse.days: 100 must not exceed lapse.max_days (90)",
        "invalid-several-problems.toml:17: rules.dips: 'dips' is not a rule (known: \(knownRules))",
        "invalid-several-problems.toml:21: rules.rupture.priority: 'urgent' is not a priority (known: \(knownPriorities))",
        "invalid-several-problems.toml:24: markers.rigid[1]: expected a non-empty string, got ''",
        "invalid-several-problems.toml:26: extra: unknown table (known: \(knownTables))",
    ]),
]

@Test(arguments: invalidConfigCases)
func invalidFixtureGivesExactlyItsDiagnostics(_ testCase: InvalidConfigCase) throws {
    let text = try ConfigFixtures.text(testCase.file)
    let result = ConfigLoader.parse(text: text, file: testCase.file)
    guard case .failure(let errors) = result else {
        Issue.record("\(testCase.file) was accepted")
        return
    }
    #expect(errors.diagnostics.map(\.description) == testCase.expected)
}

@Test func everyInvalidFixtureHasACase() throws {
    let files = try FileManager.default.contentsOfDirectory(atPath: ConfigFixtures.directory.path)
        .filter { $0.hasPrefix("invalid-") }
    #expect(Set(files) == Set(invalidConfigCases.map(\.file)))
}

@Test func loadingAFileNamesItsPathInEveryDiagnostic() throws {
    let url = ConfigFixtures.url("invalid-several-problems.toml")
    guard case .failure(let errors) = ConfigLoader.load(path: url.path) else {
        Issue.record("the file was accepted")
        return
    }
    let expected = invalidConfigCases.first { $0.name == "several-problems" }!.expected
        .map { url.path + $0.dropFirst("invalid-several-problems.toml".count) }
    #expect(errors.diagnostics.map(\.description) == expected)
}

@Test func errorsDescribeOneDiagnosticPerLine() {
    let errors = ConfigErrors([
        ConfigDiagnostic(file: "a.toml", line: 2, keyPath: "rupture.z", message: "0.5 must be less than 0"),
        ConfigDiagnostic(file: "a.toml", line: nil, keyPath: nil, message: "cannot read: Permission denied"),
    ])
    #expect(errors.description == "a.toml:2: rupture.z: 0.5 must be less than 0\na.toml: cannot read: Permission denied")
}

@Test func aFileThatCannotBeReadSaysWhy() {
    let missing = "/nonexistent/alliance-watch.toml"
    guard case .failure(let errors) = ConfigLoader.load(path: missing) else {
        Issue.record("a missing file was accepted")
        return
    }
    #expect(errors.description == "\(missing): cannot read: No such file or directory")

    guard case .failure(let directoryErrors) = ConfigLoader.load(path: ConfigFixtures.directory.path) else {
        Issue.record("a directory was accepted")
        return
    }
    #expect(directoryErrors.description == "\(ConfigFixtures.directory.path): cannot read: Is a directory")
}

@Test func invalidUTF8IsReportedWithItsLine() throws {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("alliance-watch-utf8-\(UUID().uuidString).toml")
    defer { try? FileManager.default.removeItem(at: url) }
    let bytes = Array("[spool]\ndirectory = \"/srv/".utf8) + [0xFF] + Array("\"\n".utf8)
    try Data(bytes).write(to: url)
    guard case .failure(let errors) = ConfigLoader.load(path: url.path) else {
        Issue.record("invalid UTF-8 was accepted")
        return
    }
    #expect(errors.description == "\(url.path):2: invalid UTF-8 text")
}

@Test func aNULCharacterIsAnErrorNotTheEndOfTheFile() {
    // toml++ receives a C string: without this check everything after the NUL would be ignored.
    let result = ConfigLoader.parse(text: "[lapse]\ndays = 30\u{0}\nmax_days = 10\n", file: "a.toml")
    guard case .failure(let errors) = result else {
        Issue.record("a NUL character was accepted")
        return
    }
    #expect(errors.description == "a.toml:2: a NUL character is not allowed in TOML")
}

@Test func anIntegerTooLargeForTOMLIsASyntaxErrorNotACrash() {
    let result = ConfigLoader.parse(text: "[spool]\nmax_file_bytes = 99999999999999999999\n", file: "a.toml")
    guard case .failure(let errors) = result else {
        Issue.record("an overflowing integer was accepted")
        return
    }
    #expect(errors.diagnostics.count == 1)
    #expect(errors.diagnostics.first?.line == 2)
    #expect(errors.diagnostics.first?.keyPath == nil)
}

@Test func aDuplicateKeyIsASyntaxErrorWithItsLine() {
    let result = ConfigLoader.parse(text: "[lapse]\ndays = 30\n\ndays = 40\n", file: "a.toml")
    guard case .failure(let errors) = result else {
        Issue.record("a duplicate key was accepted")
        return
    }
    #expect(errors.diagnostics.map(\.line) == [4])
}

@Test func linesAreCountedAcrossCRLFAndAfterAByteOrderMark() {
    let text = "\u{FEFF}# comment\r\n[tension]\r\nmin_intensity = 9\r\n"
    guard case .failure(let errors) = ConfigLoader.parse(text: text, file: "a.toml") else {
        Issue.record("an out-of-range value was accepted")
        return
    }
    #expect(errors.description == "a.toml:3: tension.min_intensity: 9 is out of range 1…5")
}

@Test func unusualKeysAreShownQuotedAndControlCharactersEscaped() {
    let text = """
        [spool]
        "max bytes" = 1
        directory = 3

        [markers]
        rigid = ["a\\tb", "\\n"]
        """
    guard case .failure(let errors) = ConfigLoader.parse(text: text, file: "a.toml") else {
        Issue.record("an unknown key was accepted")
        return
    }
    #expect(errors.diagnostics.map(\.description) == [
        "a.toml:2: spool.\"max bytes\": unknown key (known: directory, max_file_bytes, keep_processed_days)",
        "a.toml:3: spool.directory: expected a string, got 3",
        "a.toml:6: markers.rigid[1]: expected a non-empty string, got '\\n'",
    ])
}

@Test func aNULEscapeIsRejectedBecauseTOMLKitWouldCutTheValueShort() {
    let text = #"""
        "spool\u0000x" = 1
        [markers]
        rigid = ["rigid\u0000"]
        [state]
        path = """/var/lib/\U00000000state"""
        [spool]
        directory = "/srv\\u0000 is only text"
        """#
    guard case .failure(let errors) = ConfigLoader.parse(text: text, file: "a.toml") else {
        Issue.record("a NUL escape was accepted")
        return
    }
    #expect(errors.diagnostics.map(\.description) == [
        "a.toml:1: a NUL character in a key or string is not supported (column 7)",
        "a.toml:3: a NUL character in a key or string is not supported (column 16)",
        "a.toml:5: a NUL character in a key or string is not supported (column 20)",
    ])
}

@Test func digestKeysOutOfRangeAreReportedWithTheirLines() throws {
    let result = ConfigLoader.parse(text: "[digest]\nenabled = \"yes\"\nhour = 24\ndays = 0\n", file: "a.toml")
    guard case .failure(let errors) = result else { Issue.record("accepted"); return }
    #expect(errors.description.split(separator: "\n").map(String.init) == [
        "a.toml:2: digest.enabled: expected a boolean, got 'yes'",
        "a.toml:3: digest.hour: 24 is out of range 0…23",
        "a.toml:4: digest.days: 0 is out of range 1…3650",
    ])
}

/// `make fuzz` found that TOMLKit's toml++ aborts the process (asserts in `parse_key` and
/// `parse_value`) on a table header whose key starts with a character no key can start with, and
/// on an array element starting with `}` or a date followed by a space and one digit: `check-config`, the start and a SIGHUP reload all died
/// with SIGABRT. The first input of each kind is the fuzzer's reproducer (fuzz/regressions/FuzzConfig/).
@Test(arguments: [
    ("[$att3\nmin_sessions = 4\n", "a.toml:1: expected a key after '[' of a table header, saw '$' (column 2)"),
    ("# c\n[[ #lapse]]\n", "a.toml:2: expected a key after '[' of a table header, saw '#' (column 4)"),
    ("[lapse]\ndays = 3\n  [\t\u{1}]\n", "a.toml:3: expected a key after '[' of a table header, saw '\\u0001' (column 5)"),
    ("[\u{3000}lapse]\n", "a.toml:1: expected a key after '[' of a table header, saw '\u{3000}' (column 2)"),
    ("[marekrs]\nrigid = [\"r1gid\",},\"\", \"ical\"]\n", "a.toml:2: expected a value or ']' in an array, saw '}' (column 18)"),
    ("[markers]\nrigid = [\n  # c\n  [1, \u{2028}]]\n", "a.toml:4: expected a value or ']' in an array, saw '\\u2028' (column 7)"),
    ("a = [\u{85}1]\n", "a.toml:1: expected a value or ']' in an array, saw '\\u0085' (column 6)"),
    ("z=8889-0--an 0\n6-n", "a.toml:1: expected two-digit hours after the date and the space of a date-time, saw '\\n' (column 15)"),
    ("[lapse]\nsince = [2026-12-06 1]\n", "a.toml:2: expected two-digit hours after the date and the space of a date-time, saw ']' (column 22)"),
    ("d = 2_026-12-06 7 # c\n", "a.toml:1: expected two-digit hours after the date and the space of a date-time, saw ' ' (column 18)"),
])
func textThatWouldAbortTOMLKitIsAnErrorNotAnAbort(text: String, expected: String) {
    guard case .failure(let errors) = ConfigLoader.parse(text: text, file: "a.toml") else {
        Issue.record("a malformed table header was accepted")
        return
    }
    #expect(errors.description == expected)
}

/// The header check reads only real headers: brackets inside values, strings and comments, and
/// headers with quoted or spaced keys, pass through to TOMLKit as before.
@Test func bracketsThatAreNotHeadersAreLeftToTheTOMLParser() {
    let text = #"""
        [ "spool" ]
        directory = "[$not a header"
        [markers]
        rigid = [
          "[$x",
        ]
        # [$comment
        [state]
        path = """
        [$inside a multi-line string
        """
        [[ 'rules' ]]
        """#
    guard case .failure(let errors) = ConfigLoader.parse(text: text, file: "a.toml") else {
        Issue.record("an array of tables named rules was accepted")
        return
    }
    #expect(!errors.description.contains("table header"))
    #expect(errors.diagnostics.first?.line == 12)
}
