import AllianceCore
import TOMLKit

/// The schema of SPEC §7: which tables and keys exist, their types and ranges, and where each
/// lands in `Settings`. Reading never stops at a problem; every one goes to the log.
enum SettingsReader {
    /// The settings `document` describes, defaults for what it leaves out. Meaningful only when
    /// `log` stays empty.
    static func settings(from document: TOMLTable, log: ProblemLog) -> Settings {
        var settings = Settings()
        let root = TableReader(table: document, path: .root, log: log)
        let sessionCount = ValueRange.closed(1, 10_000)
        let dayCount = ValueRange.closed(1, 36_500)

        root.table("spool") { spool in
            spool.nonEmptyPath("directory", into: &settings.spool.directory)
            spool.integer("max_file_bytes", in: .atLeast(1), into: &settings.spool.maxFileBytes)
            spool.integer("keep_processed_days", in: .atLeast(0), into: &settings.spool.keepProcessedDays)
        }
        root.table("state") { state in
            state.nonEmptyPath("path", into: &settings.state.path)
        }
        root.table("baseline") { baseline in
            baseline.integer("sessions", in: sessionCount, into: &settings.baseline.sessions)
            baseline.integer("window", in: sessionCount, into: &settings.baseline.window)
            baseline.integer("min_history", in: sessionCount, into: &settings.baseline.minHistory)
        }
        root.table("instruments") { instruments in
            instruments.table("srs") { srs in
                readInstrument(srs, scale: .closed(0, 40), component: .closed(0, 10), into: &settings.srs)
            }
            instruments.table("wai_sr") { waiSR in
                readInstrument(waiSR, scale: .closed(1, 5), component: .closed(1, 5), into: &settings.waiSR)
            }
        }
        root.table("rupture") { rupture in
            rupture.number("z", in: .lessThan(0), into: &settings.rupture.z)
            rupture.integer("repair_window", in: sessionCount, into: &settings.rupture.repairWindow)
            rupture.number("repair_margin", in: .atLeast(0), into: &settings.rupture.repairMargin)
        }
        root.table("decline") { decline in
            decline.number("k", in: .atLeast(0), into: &settings.decline.k)
            decline.number("h", in: .greaterThan(0), into: &settings.decline.h)
        }
        root.table("pattern") { pattern in
            let window = pattern.integer("window", in: sessionCount, into: &settings.pattern.window)
            let minSessions = pattern.integer("min_sessions", in: sessionCount, into: &settings.pattern.minSessions)
            pattern.requireOrder(
                "min_sessions", minSessions, settings.pattern.minSessions,
                notAbove: "window", window, settings.pattern.window
            )
        }
        root.table("markers") { markers in
            markers.nonEmptyStrings("rigid", into: &settings.markers.rigid)
            markers.nonEmptyStrings("uninvolved", into: &settings.markers.uninvolved)
        }
        root.table("risk") { risk in
            risk.integer("early_sessions", in: .closed(0, 10_000), into: &settings.risk.earlySessions)
            risk.number("ruler_low_max", in: .closed(0, 10), into: &settings.risk.rulerLowMax)
            risk.number("urica_low_below", in: .closed(-5, 15), into: &settings.risk.uricaLowBelow)
            risk.nonEmptyStrings("excluded_codes", into: &settings.risk.excludedCodes, problem: excludedCodeProblem)
        }
        root.table("tension") { tension in
            tension.integer("min_intensity", in: .closed(1, 5), into: &settings.tension.minIntensity)
        }
        root.table("missed") { missed in
            missed.integer("window", in: sessionCount, into: &settings.missed.window)
        }
        root.table("outcome") { outcome in
            outcome.number("rci", in: .greaterThan(0), into: &settings.outcome.rci)
        }
        root.table("clinician") { clinician in
            clinician.integer("min_clients", in: .closed(1, 100_000), into: &settings.clinician.minClients)
            clinician.integer("window_days", in: dayCount, into: &settings.clinician.windowDays)
        }
        root.table("lapse") { lapse in
            let days = lapse.integer("days", in: dayCount, into: &settings.lapse.days)
            let maxDays = lapse.integer("max_days", in: dayCount, into: &settings.lapse.maxDays)
            lapse.requireOrder("days", days, settings.lapse.days, notAbove: "max_days", maxDays, settings.lapse.maxDays)
        }
        root.table("digest") { digest in
            digest.boolean("enabled", into: &settings.digest.enabled)
            digest.integer("hour", in: .closed(0, 23), into: &settings.digest.hour)
            digest.integer("days", in: .closed(1, 3650), into: &settings.digest.days)
        }
        root.table("rules") { rules in
            readRules(rules, into: &settings.rules)
        }
        root.reportUnknownKeys()
        return settings
    }

    /// `[instruments.srs]` or `[instruments.wai_sr]` (SPEC §4, §7).
    private static func readInstrument(
        _ table: TableReader, scale: ValueRange, component: ValueRange, into instrument: inout InstrumentSettings
    ) {
        table.number("cutoff", in: scale, into: &instrument.cutoff)
        table.number("early_cutoff", in: scale, into: &instrument.earlyCutoff)
        table.number("sd", in: .greaterThan(0), into: &instrument.sd)
        table.number("reliability", in: .atLeastAndLessThan(0, 1), into: &instrument.reliability)
        table.number("sd_floor", in: .greaterThan(0), into: &instrument.sdFloor)
        table.number("dip", in: .greaterThan(0), into: &instrument.dip)
        table.number("component_cutoff", in: component, into: &instrument.componentCutoff)
        table.number("rigid_gap", in: .atLeast(0), into: &instrument.rigidGap)
        table.number("uninvolved_gap", in: .atLeast(0), into: &instrument.uninvolvedGap)
    }

    /// `[rules.<id>]`: each key of `[rules]` must name a rule of SPEC §5. An entry that leaves the
    /// rule as it would be without one is not stored, so an empty `[rules.dip]` changes nothing.
    private static func readRules(_ rules: TableReader, into entries: inout [RuleID: Settings.RuleSettings]) {
        for key in rules.keys {
            guard let rule = RuleID(rawValue: key) else {
                let known = RuleID.allCases.map(\.rawValue).joined(separator: ", ")
                rules.reject(key, "\(TextQuoting.quoted(key)) is not a rule (known: \(known))")
                continue
            }
            rules.table(key) { table in
                var entry = Settings.RuleSettings()
                table.boolean("enabled", into: &entry.enabled)
                table.priority("priority", into: &entry.priority)
                if entry != Settings.RuleSettings() { entries[rule] = entry }
            }
        }
    }

    /// SPEC §3.2 compares codes trimmed and without dots, and a code is excluded when it starts
    /// with an entry; an entry that normalises to nothing would exclude every code.
    private static func excludedCodeProblem(_ code: String) -> String? {
        let normalised = code.filter { $0 != "." && !$0.isWhitespace }
        guard normalised.isEmpty else { return nil }
        return "\(TextQuoting.quoted(code)) would exclude every code once spaces and dots are removed"
    }
}
