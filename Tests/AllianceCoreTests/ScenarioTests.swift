import Foundation
import Testing
@testable import AllianceCore

/// The acceptance scenarios (`Scenarios/`, copied from the shared set plus our own `x*` ones):
/// each input replayed with a fresh history must give exactly the expected alerts, compared as
/// multisets on (rule, client, episode, session, instrument, priority), plus the clinician for
/// `clinician-pattern`.
@Suite struct ScenarioTests {
    static let directory = Bundle.module.resourceURL!.appendingPathComponent("Scenarios")

    static var names: [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return files.filter { $0.hasSuffix(".expected.jsonl") }
            .map { String($0.dropLast(".expected.jsonl".count)) }
            .sorted()
    }

    static func key(_ fields: [String: String]) -> String {
        var parts = ["ALLIANCE_RULE", "ALLIANCE_CLIENT", "ALLIANCE_EPISODE", "ALLIANCE_SESSION", "ALLIANCE_INSTRUMENT", "PRIORITY"]
            .map { fields[$0] ?? "" }
        if parts[2].isEmpty { parts[2] = "1" }
        if fields["ALLIANCE_RULE"] == "clinician-pattern" { parts.append(fields["ALLIANCE_CLINICIAN"] ?? "") }
        return parts.joined(separator: "|")
    }

    static func expectedKeys(_ name: String) throws -> [String] {
        let text = try String(contentsOf: directory.appendingPathComponent(name + ".expected.jsonl"), encoding: .utf8)
        return try text.split(separator: "\n").filter { !$0.isEmpty }.map { line in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            return key(object.mapValues { "\($0)" })
        }.sorted()
    }

    /// Replays one scenario's input with its optional NAME.toml-free defaults.
    static func actualKeys(_ name: String) throws -> (keys: [String], rejected: Int) {
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        let input = try #require(files.first { $0.hasPrefix(name + ".") && !$0.hasSuffix(".expected.jsonl") && !$0.hasSuffix(".toml") })
        let bytes = try [UInt8](Data(contentsOf: directory.appendingPathComponent(input)))
        let parser = RecordParser(settings: Settings(), today: CalendarDate(year: 2026, month: 11, day: 28)!)
        let parsed = parser.parseFile(name: input, bytes: bytes)
        #expect(parsed.fileRejection == nil)
        var run = ReplayRun(settings: Settings())
        var keys: [String] = []
        var rejected = 0
        for entry in parsed.entries {
            switch entry {
            case .rejected: rejected += 1
            case .record(let record):
                let step = run.ingest(record.record, canonical: record.canonical, origin: RecordOrigin(source: input, line: record.line))
                if step.conflict != nil { rejected += 1 }
                for alert in step.alerts {
                    keys.append(key(Dictionary(alert.journalFields.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a })))
                }
            }
        }
        return (keys.sorted(), rejected)
    }

    @Test(arguments: names)
    func scenario(_ name: String) throws {
        let expected = try Self.expectedKeys(name)
        let actual = try Self.actualKeys(name)
        let missing = expected.multisetSubtracting(actual.keys)
        let unexpected = actual.keys.multisetSubtracting(expected)
        #expect(missing.isEmpty, "missing: \(missing)")
        #expect(unexpected.isEmpty, "unexpected: \(unexpected)")
    }

    @Test func p17RejectsExactlyThirteenLines() throws {
        #expect(try Self.actualKeys("p17_invalid_records").rejected == 13)
    }

    /// STYLE.md 11: every rule ships with at least one scenario that expects it.
    @Test func everyRuleHasAScenario() throws {
        var covered = Set<String>()
        for name in Self.names {
            for key in try Self.expectedKeys(name) { covered.insert(String(key.split(separator: "|").first ?? "")) }
        }
        let missing = RuleID.allCases.map(\.rawValue).filter { !covered.contains($0) }
        #expect(missing.isEmpty, "rules without a scenario: \(missing)")
    }
}

extension Array where Element == String {
    func multisetSubtracting(_ other: [String]) -> [String] {
        var remaining = Dictionary(other.map { ($0, 1) }, uniquingKeysWith: +)
        var result: [String] = []
        for item in self {
            if let count = remaining[item], count > 0 { remaining[item] = count - 1 } else { result.append(item) }
        }
        return result
    }
}
