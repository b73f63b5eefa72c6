import AllianceCore
import Foundation

/// The public scenarios of `Tests/AllianceCoreTests/Scenarios` (input `NAME.jsonl|json|csv`,
/// expected alerts `NAME.expected.jsonl`), read from the source tree for the daemon tests.
enum ScenarioCatalog {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("AllianceCoreTests/Scenarios").path

    static var names: [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return files.filter { $0.hasSuffix(".expected.jsonl") }.map { String($0.dropLast(".expected.jsonl".count)) }.sorted()
    }

    /// The scenario's input file.
    static func input(_ name: String) throws -> String {
        let files = try FileManager.default.contentsOfDirectory(atPath: directory)
        guard let file = files.first(where: {
            $0.hasPrefix(name + ".") && !$0.hasSuffix(".expected.jsonl") && !$0.hasSuffix(".toml")
        }) else { throw HarnessError("no input for scenario \(name)") }
        return directory + "/" + file
    }

    /// The comparison key of the scenario README: rule, client, episode ("1" when missing),
    /// session, instrument, priority, and the clinician for `clinician-pattern`.
    static func key(_ fields: [String: String]) -> String {
        var parts = ["ALLIANCE_RULE", "ALLIANCE_CLIENT", "ALLIANCE_EPISODE", "ALLIANCE_SESSION", "ALLIANCE_INSTRUMENT", "PRIORITY"]
            .map { fields[$0] ?? "" }
        if parts[2].isEmpty { parts[2] = "1" }
        if fields["ALLIANCE_RULE"] == "clinician-pattern" { parts.append(fields["ALLIANCE_CLINICIAN"] ?? "") }
        return parts.joined(separator: "|")
    }

    static func expectedAlerts(_ name: String) throws -> [[String: String]] {
        let text = try readFile(directory + "/" + name + ".expected.jsonl")
        return try text.split(separator: "\n").filter { !$0.isEmpty }.map { line in
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                throw HarnessError("\(name).expected.jsonl: not an object: \(line)")
            }
            return object.mapValues { "\($0)" }
        }
    }

    /// Whether the scenario expects `lapse` alerts. Their clock is replay's latest record date,
    /// the daemon's is today: the daemon sees them only when the dates are moved to end today.
    static func dependsOnTheClock(_ name: String) throws -> Bool {
        try expectedAlerts(name).contains { $0["ALLIANCE_RULE"] == "lapse" }
    }

    /// `text` with every `"date": "YYYY-MM-DD…"` moved by the same number of days, so that the
    /// latest becomes `today`. Intervals between dates (and so every rule) stay the same.
    static func movingDates(of text: String, toEndOn today: CalendarDate) throws -> String {
        let pattern = try NSRegularExpression(pattern: #""date"\s*:\s*"(\d{4})-(\d{2})-(\d{2})"#)
        let whole = NSRange(text.startIndex..., in: text)
        let matches = pattern.matches(in: text, range: whole)
        func date(_ match: NSTextCheckingResult) throws -> CalendarDate {
            let parts = (1...3).map { Int(text[Range(match.range(at: $0), in: text)!])! }
            guard let date = CalendarDate(year: parts[0], month: parts[1], day: parts[2]) else {
                throw HarnessError("not a date in \(text[Range(match.range, in: text)!])")
            }
            return date
        }
        let dates = try matches.map(date)
        guard let latest = dates.max() else { return text }
        let shift = today.days(since: latest)
        var result = text
        for (match, original) in zip(matches, dates).reversed() {
            let range = Range(NSRange(location: match.range(at: 1).location, length: 10), in: result)!
            result.replaceSubrange(range, with: original.adding(days: shift).description)
        }
        return result
    }

    /// Today's date on this host's calendar, as the daemon takes it.
    static var today: CalendarDate {
        let parts = Calendar.current.dateComponents([.year, .month, .day], from: Date())
        return CalendarDate(year: parts.year!, month: parts.month!, day: parts.day!)!
    }
}

extension Array where Element == String {
    /// The elements of `self` left after removing one occurrence of each element of `other`.
    func removingOneOfEach(_ other: [String]) -> [String] {
        var remaining = Dictionary(other.map { ($0, 1) }, uniquingKeysWith: +)
        var result: [String] = []
        for item in self {
            if let count = remaining[item], count > 0 { remaining[item] = count - 1 } else { result.append(item) }
        }
        return result
    }
}
