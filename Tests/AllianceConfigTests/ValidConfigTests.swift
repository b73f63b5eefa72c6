import AllianceConfig
import AllianceCore
import Foundation
import Testing

private func settings(fromFixture name: String) throws -> Settings {
    try ConfigLoader.parse(text: ConfigFixtures.text(name), file: name).get()
}

@Test func theReferenceConfigurationSetsExactlyTheDefaults() throws {
    let settings = try ConfigLoader.load(path: ConfigFixtures.referenceConfiguration.path).get()
    #expect(settings == Settings())
}

@Test func theReferenceConfigurationSetsEveryKey() throws {
    // Removing any one key must still give the defaults, and each key must be present: a key
    // the reference leaves out would be undocumented.
    let text = try String(contentsOf: ConfigFixtures.referenceConfiguration, encoding: .utf8)
    let keys = [
        "directory", "max_file_bytes", "keep_processed_days", "path", "sessions", "window", "min_history",
        "cutoff", "early_cutoff", "sd", "reliability", "sd_floor", "dip", "component_cutoff", "rigid_gap",
        "uninvolved_gap", "z", "repair_window", "repair_margin", "k", "h", "min_sessions", "rigid", "uninvolved",
        "early_sessions", "ruler_low_max", "urica_low_below", "excluded_codes", "min_intensity", "rci",
        "min_clients", "window_days", "days", "max_days", "enabled", "hour",
    ]
    let setLines = text.split(separator: "\n").filter { !$0.hasPrefix("#") && $0.contains(" = ") }
    let setKeys = Set(setLines.map { String($0.prefix { $0 != " " }) })
    #expect(setKeys == Set(keys))
    let tables = text.split(separator: "\n").filter { $0.hasPrefix("[") }.map(String.init)
    #expect(tables == [
        "[spool]", "[state]", "[baseline]", "[instruments.srs]", "[instruments.wai_sr]", "[rupture]", "[decline]",
        "[pattern]", "[markers]", "[risk]", "[tension]", "[missed]", "[outcome]", "[clinician]", "[lapse]",
        "[digest]",
    ])
}

@Test func theReferenceRuleExamplesAreValidOnceUncommented() throws {
    let text = try String(contentsOf: ConfigFixtures.referenceConfiguration, encoding: .utf8)
    let uncommented = text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
        let isExample = ["# enabled", "# priority"].contains { line.hasPrefix($0) }
            || (line.hasPrefix("# [rules.") && !line.hasPrefix("# [rules.<"))
        return isExample ? String(line.dropFirst(2)) : String(line)
    }.joined(separator: "\n")
    let settings = try ConfigLoader.parse(text: uncommented, file: "reference").get()
    #expect(settings.rules == [
        .dip: Settings.RuleSettings(enabled: false),
        .belowCutoff: Settings.RuleSettings(priority: .warning),
        .lapse: Settings.RuleSettings(priority: .err),
    ])
}

@Test(arguments: ["valid-empty.toml", "valid-comments-only.toml"])
func aFileThatSetsNothingGivesTheDefaults(_ name: String) throws {
    #expect(try settings(fromFixture: name) == Settings())
}

@Test func anIntegerIsAcceptedForANumberKey() throws {
    var expected = Settings()
    expected.srs.cutoff = 35
    expected.srs.sd = 4
    expected.outcome.rci = 6
    #expect(try settings(fromFixture: "valid-integer-for-number.toml") == expected)
}

@Test func aPartialFileChangesOnlyWhatItSets() throws {
    var expected = Settings()
    expected.spool.directory = "/srv/alliance/spool"
    expected.waiSR.cutoff = 3.2
    expected.pattern.window = 4
    expected.pattern.minSessions = 3
    expected.markers.rigid = ["rigid", "lecturing"]
    // The empty [rules.repaired] leaves the rule as it is, so it stores no entry.
    expected.rules = [
        .dip: Settings.RuleSettings(enabled: false),
        .belowCutoff: Settings.RuleSettings(priority: .warning),
    ]
    let settings = try settings(fromFixture: "valid-partial.toml")
    #expect(settings == expected)
    #expect(!settings.isEnabled(.dip))
    #expect(settings.priority(of: .belowCutoff) == .warning)
    #expect(settings.priority(of: .repaired) == .notice)
}

@Test func inlineTablesDottedKeysAndBoundaryValuesAreAccepted() throws {
    let text = """
        instruments.srs = { cutoff = 0, reliability = 0 }
        instruments.wai_sr.cutoff = 5
        rules.rupture = { enabled = true, priority = "err" }

        [pattern]
        window = 2
        min_sessions = 2

        [lapse]
        days = 36500
        max_days = 36500

        [digest]
        enabled = false
        hour = 23
        days = 3650

        [risk]
        early_sessions = 0
        urica_low_below = -5
        excluded_codes = []
        """
    let settings = try ConfigLoader.parse(text: text, file: "a.toml").get()
    #expect(settings.srs.cutoff == 0)
    #expect(settings.srs.reliability == 0)
    #expect(settings.waiSR.cutoff == 5)
    #expect(settings.rules == [.rupture: Settings.RuleSettings(enabled: true, priority: .err)])
    #expect(settings.pattern.window == 2 && settings.pattern.minSessions == 2)
    #expect(settings.lapse.days == 36500 && settings.lapse.maxDays == 36500)
    #expect(!settings.digest.enabled && settings.digest.hour == 23 && settings.digest.days == 3650)
    #expect(settings.risk.earlySessions == 0)
    #expect(settings.risk.uricaLowBelow == -5)
    #expect(settings.risk.excludedCodes.isEmpty)
}
