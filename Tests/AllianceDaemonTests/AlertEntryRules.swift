import Foundation

/// What SPEC §6.1 requires of an alert's journal entry, written out independently of the
/// daemon's code: the MESSAGE_ID table, the fields every alert has, and the fields per rule.
enum AlertEntryRules {
    /// SPEC §6.1, the MESSAGE_ID table.
    static let messageIDs: [String: String] = [
        "below-cutoff": "8a6ee9858e1c4b449ca424fa7033c4f4",
        "dip": "95f20c38888648f882ba1e58c1877c05",
        "rupture": "20cf6d3cab5541fbae18582f449b638b",
        "repaired": "3baf484ad0a34bce96ad31551b7bcb2e",
        "unrepaired": "971e188d48ad4e8599ed0b62a50b662f",
        "decline": "82393c447d3543278f9ec2e557bf610d",
        "rigid-pattern": "28a415cc1b0549129f9a26a87e15b856",
        "uninvolved-pattern": "5d1d6ee8716e44daa990ee5ac9b88c4c",
        "early-risk": "df17ecc71e0640a3b716d9043f56e5f2",
        "client-tension": "19d0ed598ba141d296880ffb5a5fce20",
        "missed-after-alert": "4e812fbac60545b7ad7e8b4eb3e504ec",
        "outcome-decline": "5f62c772c32d4b0799fcb1e0627547a9",
        "clinician-pattern": "6fc4e759a1114991b1615685c5fc0ae9",
        "lapse": "e50272a6dca74db7818a0634f2dca0ea",
    ]

    /// SPEC §6.3 operational MESSAGE_IDs.
    static let eventMessageIDs: [String: String] = [
        "record-rejected": "11e3ed4acb8a4989a42f7245074188f0",
        "file-rejected": "ac1c42b8a58943a082ce1725d8095ba6",
        "daemon-started": "29fc38056cf34cd9a8d8bcb205cc1c08",
        "config-reloaded": "aa23ef707b8a47588b511672276b9bba",
        "config-reload-failed": "524b8d1523b844198fbac38c08d5b022",
        "late-record": "7350b197da2d4d6eb69ae7196a538bae",
    ]

    /// Rules on a series: instrument `srs` or `wai-sr`, a score, a threshold and the items.
    static let seriesRules: Set<String> = [
        "below-cutoff", "dip", "rupture", "repaired", "unrepaired", "decline", "rigid-pattern", "uninvolved-pattern", "early-risk",
    ]
    /// Series rules that always have `ALLIANCE_BASELINE` (below-cutoff has it only from n = 2).
    static let baselineRules: Set<String> = ["dip", "rupture", "repaired", "unrepaired", "decline", "outcome-decline"]

    /// Every way `entry` breaks SPEC §6.1, as sentences; empty when it is a proper alert that
    /// came from the spool file `source` (`today`: the daemon's date, for `lapse`).
    static func problems(_ entry: [String: String], source: String, today: String) -> [String] {
        var problems: [String] = []
        func value(_ name: String) -> String { entry[name] ?? "" }
        func require(_ names: String...) {
            for name in names where value(name).isEmpty { problems.append("\(name) is missing or empty") }
        }
        func forbid(_ names: String...) {
            for name in names where entry[name] != nil { problems.append("\(name) must be absent, is '\(value(name))'") }
        }
        func matches(_ name: String, _ pattern: String) {
            if value(name).range(of: "^(\(pattern))$", options: .regularExpression) == nil {
                problems.append("\(name) '\(value(name))' does not match \(pattern)")
            }
        }

        let rule = value("ALLIANCE_RULE")
        guard let messageID = messageIDs[rule] else { return ["unknown ALLIANCE_RULE '\(rule)'"] }
        require("MESSAGE", "ALLIANCE_ALERT", "ALLIANCE_DATE")
        if value("MESSAGE").contains("\n") { problems.append("MESSAGE spans several lines") }
        if value("MESSAGE_ID") != messageID { problems.append("MESSAGE_ID '\(value("MESSAGE_ID"))' is not \(messageID) of \(rule)") }
        matches("PRIORITY", "[3-6]")
        if value("SYSLOG_IDENTIFIER") != "alliance-watch" { problems.append("SYSLOG_IDENTIFIER is '\(value("SYSLOG_IDENTIFIER"))'") }
        if value("ALLIANCE_SOURCE") != source { problems.append("ALLIANCE_SOURCE '\(value("ALLIANCE_SOURCE"))' is not '\(source)'") }
        matches("ALLIANCE_DATE", #"\d{4}-\d{2}-\d{2}"#)
        if entry["ALLIANCE_CLINICIAN"] != nil { require("ALLIANCE_CLINICIAN") }

        if rule == "clinician-pattern" {
            require("ALLIANCE_CLINICIAN", "ALLIANCE_PATTERN", "ALLIANCE_SCORE", "ALLIANCE_THRESHOLD")
            forbid("ALLIANCE_CLIENT", "ALLIANCE_EPISODE", "ALLIANCE_SESSION", "ALLIANCE_INSTRUMENT", "ALLIANCE_RECORD")
            let key = "clinician-pattern/\(value("ALLIANCE_CLINICIAN"))/\(value("ALLIANCE_PATTERN"))-pattern/\(value("ALLIANCE_DATE"))"
            if value("ALLIANCE_ALERT") != key { problems.append("ALLIANCE_ALERT '\(value("ALLIANCE_ALERT"))' is not '\(key)'") }
            return problems
        }

        require("ALLIANCE_CLIENT", "ALLIANCE_EPISODE", "ALLIANCE_RECORD")
        matches("ALLIANCE_SESSION", "[1-9][0-9]*")
        let key = [rule, value("ALLIANCE_CLIENT"), value("ALLIANCE_EPISODE"), value("ALLIANCE_INSTRUMENT"), value("ALLIANCE_SESSION")]
            .joined(separator: "/")
        if value("ALLIANCE_ALERT") != key { problems.append("ALLIANCE_ALERT '\(value("ALLIANCE_ALERT"))' is not '\(key)'") }

        switch rule {
        case _ where seriesRules.contains(rule):
            require("ALLIANCE_SCORE", "ALLIANCE_THRESHOLD", "ALLIANCE_ITEMS")
            matches("ALLIANCE_INSTRUMENT", "srs|wai-sr")
            matches("ALLIANCE_SCORE", value("ALLIANCE_INSTRUMENT") == "srs" ? #"\d{1,2}\.\d"# : #"\d\.\d\d"#)
            if baselineRules.contains(rule) { require("ALLIANCE_BASELINE") }
            if rule.hasSuffix("-pattern") { matches("ALLIANCE_PATTERN", String(rule.dropLast("-pattern".count))) }
            if rule == "early-risk" { matches("ALLIANCE_RISK", "sud-low-motivation") }
        case "client-tension":
            require("ALLIANCE_SCORE", "ALLIANCE_THRESHOLD")
            forbid("ALLIANCE_INSTRUMENT")
            matches("ALLIANCE_ITEMS", #"intensity=[1-5]( resolution=[1-5])?"#)
        case "outcome-decline":
            require("ALLIANCE_THRESHOLD", "ALLIANCE_BASELINE", "ALLIANCE_ITEMS")
            matches("ALLIANCE_INSTRUMENT", "ors")
            matches("ALLIANCE_SCORE", #"\d{1,2}\.\d"#)
        case "missed-after-alert":
            forbid("ALLIANCE_INSTRUMENT", "ALLIANCE_SCORE", "ALLIANCE_THRESHOLD", "ALLIANCE_BASELINE")
        case "lapse":
            require("ALLIANCE_THRESHOLD")
            forbid("ALLIANCE_INSTRUMENT")
            if value("ALLIANCE_DATE") != today { problems.append("lapse ALLIANCE_DATE '\(value("ALLIANCE_DATE"))' is not today \(today)") }
        default:
            problems.append("no §6.1 requirements known for \(rule)")
        }
        return problems
    }
}
