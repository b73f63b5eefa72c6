import AllianceCore

/// The two output forms of `replay`: a table for people and JSON lines for programs.
enum AlertTable {
    static let columns: [(name: String, field: String, width: Int)] = [
        ("DATE", "ALLIANCE_DATE", 10), ("CLIENT", "ALLIANCE_CLIENT", 10), ("EP", "ALLIANCE_EPISODE", 3),
        ("SESS", "ALLIANCE_SESSION", 4), ("PRIO", "PRIORITY", 7), ("RULE", "ALLIANCE_RULE", 18),
        ("INSTR", "ALLIANCE_INSTRUMENT", 6), ("SCORE", "ALLIANCE_SCORE", 6), ("THRESH", "ALLIANCE_THRESHOLD", 6),
        ("BASE", "ALLIANCE_BASELINE", 6), ("CLINICIAN", "ALLIANCE_CLINICIAN", 9),
    ]

    static var header: String { line(columns.map(\.name)) }

    static func row(_ alert: Alert) -> String {
        line(columns.map { column in
            if column.field == "PRIORITY" { return alert.priority.name }
            return alert.value(of: column.field) ?? "-"
        })
    }

    private static func line(_ values: [String]) -> String {
        var text = ""
        for (value, column) in zip(values, columns) {
            text += value + String(repeating: " ", count: max(1, column.width + 1 - value.count))
        }
        while text.last == " " { text.removeLast() }
        return text + "\n"
    }
}

/// `replay --summary`.
enum SummaryReport {
    static func render(_ summary: ReplaySummary) -> String {
        var text = "\nSummary: \(summary.sessions) session records, \(summary.alerts) alerts, "
        text += "\(Decimal4.format(summary.warningsPer100Sessions, decimals: 1)) warnings or worse per 100 sessions\n"
        text += "By rule:\n"
        for rule in RuleID.allCases {
            let count = summary.alertsByRule[rule] ?? 0
            guard count > 0 else { continue }
            text += "  " + rule.rawValue + String(repeating: " ", count: max(1, 20 - rule.rawValue.count)) + String(count) + "\n"
        }
        text += "By priority:\n"
        for priority in Priority.allCases {
            let count = summary.alertsByPriority[priority] ?? 0
            text += "  " + priority.name + String(repeating: " ", count: max(1, 20 - priority.name.count)) + String(count) + "\n"
        }
        return text
    }
}
