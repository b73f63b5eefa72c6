import Foundation
import Testing
@testable import AllianceCore

/// The shortcuts `replay` takes for speed must give exactly what the plain paths give: number
/// formatting, alert lines written from drafts, records parsed straight into a batch, client
/// numbering, the inline first episode and the compact stored session.
@Suite struct ReplayFastPathTests {
    /// A small deterministic generator (SplitMix64), so that a failure can be replayed.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    @Test func displayedNumbersRoundTheComparedQuantity() {
        var generator = Generator(state: 42)
        var values: [Double] = [0, -0.0, 36, 35.9999, 6.8348, 6.83475, 0.00005, -0.00005, 9.95, 99.995, 1e11, -123.456, 6.25 + 9.2 + 9.2 + 9.2]
        for _ in 0..<50_000 {
            values.append(Double.random(in: -1000...1000, using: &generator))
            // Values on a grid of tenths and hundredths, as ratings and their sums are.
            values.append(Double(Int.random(in: -100_000...100_000, using: &generator)) / 100)
            values.append((0..<4).map { _ in Double(Int.random(in: 0...400, using: &generator)) / 40 }.reduce(0, +))
        }
        var mismatches: [String] = []
        for value in values {
            // The reference: the 4-decimal quantity written out, then rounded from its digits.
            let quantity = Double(Decimal4.units(value)) / 10_000
            for decimals in 0...4 {
                let shown = Decimal4.format(value, decimals: decimals)
                let reference = Decimal4.exactFormat(quantity, decimals: decimals)
                if shown != reference, mismatches.count < 5 { mismatches.append("\(value) at \(decimals): \(shown) vs \(reference)") }
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches)")
        #expect(Decimal4.format(6.25 + 9.2 + 9.2 + 9.2, decimals: 1) == "33.9")
        #expect(Decimal4.format(1e20, decimals: 1) == "100000000000000000000.0")
        #expect(Decimal4.format(2.000049, decimals: 6) == "2.000049")
    }

    static func subject(client: String = "C-1", clinician: String? = "T-1", source: String = "in.jsonl") -> AlertSubject {
        AlertSubject(
            client: client, clinician: clinician, episode: "intake", session: 12,
            date: CalendarDate(year: 2026, month: 3, day: 9)!, recordID: "\(client)/intake/12", source: source
        )
    }

    static func line(_ alert: Alert) -> (fast: String, reference: String) {
        var fast: [UInt8] = []
        alert.appendJSONLine(to: &fast)
        var reference: [UInt8] = []
        JSONText.appendLine(alert.journalFields, to: &reference)
        return (String(decoding: fast, as: UTF8.self), String(decoding: reference, as: UTF8.self))
    }

    @Test(arguments: [false, true])
    func alertLinesWrittenFromTheDraftMatchTheFieldList(risk: Bool) {
        let drafts = [
            AlertDraft(
                rule: .rupture, instrument: "srs", score: "31.0", threshold: "6.83", baseline: "38.2",
                items: "relationship=9.1 goals=8.0 approach=5.5 overall=7.0",
                headline: "SRS 31.0, down 7.2 from 38.2 (\"reliable\" drop)", detail: "Consider asking about it."
            ),
            AlertDraft(rule: .rigidPattern, instrument: "wai-sr", pattern: .rigid, headline: "(agreement strain)", detail: "Back\\slash\ttab."),
            AlertDraft(rule: .clientTension, headline: "tension 4", detail: "Ask.", atLeast: .warning),
        ]
        let subjects = [
            Self.subject(),
            Self.subject(client: "C-\u{1}é", clinician: nil, source: "we\"ird\\name\t.jsonl"),
            Self.subject(clinician: "Dr \"Q\""),
        ]
        for draft in drafts {
            for subject in subjects {
                let alert = Alert(draft, priority: .warning, about: subject, title: "Possible alliance rupture", risk: risk)
                let (fast, reference) = Self.line(alert)
                #expect(fast == reference)
            }
        }
    }

    @Test func everyScenarioAlertLineMatchesTheFieldList() throws {
        let parser = RecordParser(settings: Settings(), today: CalendarDate(year: 2030, month: 1, day: 1)!)
        var compared = 0
        let files = try FileManager.default.contentsOfDirectory(atPath: ScenarioTests.directory.path)
        for name in ScenarioTests.names {
            let input = try #require(files.first { $0.hasPrefix(name + ".") && !$0.hasSuffix(".expected.jsonl") && !$0.hasSuffix(".toml") })
            let bytes = [UInt8](try Data(contentsOf: ScenarioTests.directory.appendingPathComponent(input)))
            var run = ReplayRun(settings: Settings())
            for record in parser.parseFile(name: input, bytes: bytes).records {
                let step = run.ingest(record.record, canonical: record.canonical, origin: RecordOrigin(source: input, line: record.line))
                for alert in step.alerts {
                    let (fast, reference) = Self.line(alert)
                    #expect(fast == reference, "\(name)")
                    compared += 1
                }
            }
        }
        #expect(compared > 50)
    }

    static let mixedText = [
        #"{"schema":1,"client":"C-1","clinician":"T-1","session":1,"date":"2026-01-05","srs":{"relationship":9,"goals":9,"approach":9,"overall":9}}"#,
        "",
        #"{"schema":1,"type":"profile","client":"C-2","substance_use":true}"#,
        #"{"schema":1,"client":"C-2","session":1,"date":"2026-01-05","wai_sr":[4,4,3,4,4,5,4,4,4,3,3,4],"markers":["distracted"]}"#,
        #"{"schema":1,"client":"C-3","#,
        #"{"schema":1,"client":"C-3","session":0,"date":"2026-01-05"}"#,
        #"{"schema":1,"client":"C-1","clinician":"T-2","session":2,"date":"2026-01-12","srs":{"relationship":9.0,"goals":8.5,"approach":9,"overall":9}}"#,
    ].joined(separator: "\r\n") + "\r\n"

    @Test func recordsParsedIntoABatchMatchTheParsedFile() {
        var parser = RecordParser(settings: Settings(), today: CalendarDate(year: 2030, month: 1, day: 1)!)
        let bytes = Array(Self.mixedText.utf8)
        let parsed = parser.parseJSONLines(bytes, firstLine: 41)
        parser.keepsCanonical = false
        var names = ReplayNames()
        let batch = ReplayBatch(jsonLines: bytes, firstLine: 41, parser: parser, names: &names)

        #expect(batch.entries.map(\.line) == parsed.entries.map(\.line))
        #expect(batch.entries.map(\.line) == [41, 43, 44, 45, 46, 47])
        #expect(batch.rejections == parsed.rejected.map(\.issue))
        #expect(batch.rejections.map(\.line) == [45, 46])
        var sessions: [SessionRecord] = []
        var profiles: [ProfileRecord] = []
        for record in parsed.records {
            switch record.record {
            case .session(let session): sessions.append(session)
            case .profile(let profile): profiles.append(profile)
            }
        }
        #expect(batch.sessions == sessions)
        #expect(batch.profiles == profiles)
        let valid = batch.entries.filter { $0.kind != .rejected }
        #expect(valid.map(\.fingerprint) == parsed.records.map { RecordFingerprint(canonical: $0.canonical) })
        #expect(valid.map(\.keys) == [
            ReplayKeys(client: 0, clinician: 0), ReplayKeys(client: 1, clinician: nil),
            ReplayKeys(client: 1, clinician: nil), ReplayKeys(client: 0, clinician: 1),
        ])
        // The same lines parsed whole number from 1.
        #expect(parser.parseJSONLines(bytes, firstLine: 1).entries.map { $0.line + 40 } == parsed.entries.map(\.line))
    }

    @Test func namesAreNumberedInTheOrderTheyFirstAppear() {
        var names = ReplayNames()
        // Enough names to grow the table several times, and names that differ in one byte.
        let clients = (0..<5000).map { "C-\($0)" } + ["", "é", "e\u{301}", "C-1\0"]
        for (number, client) in clients.enumerated() {
            #expect(names.keys(client: client, clinician: nil).client == Int32(number))
        }
        for (number, client) in clients.enumerated().reversed() {
            #expect(names.keys(client: client, clinician: "T-\(number % 3)").client == Int32(number))
        }
        #expect(names.keys(client: "C-0", clinician: "T-2").clinician == 0)
        #expect(names.keys(client: "C-0", clinician: "T-1").clinician == 1)
        #expect(names.keys(client: "C-0", clinician: "T-0").clinician == 2)
    }

    @Test func episodesKeepTheirOrderWithTheFirstHeldInline() {
        var map = EpisodeMap()
        #expect(map.isEmpty && map.count == 0 && map["1"] == nil)
        map["intake", default: EpisodeState()].firstORS = 20
        map["2", default: EpisodeState()].firstORS = 30
        map["3"] = EpisodeState()
        map["2", default: EpisodeState()].previousORSDeclined = true
        #expect(map.map(\.key) == ["intake", "2", "3"])
        #expect(map["intake"]?.firstORS == 20 && map["2"]?.firstORS == 30 && map["2"]?.previousORSDeclined == true)
        map["intake"] = nil
        #expect(map.map(\.key) == ["2", "3"] && map.count == 2)
        map["3"] = nil
        map["2"] = nil
        #expect(map.isEmpty)
        let literal: EpisodeMap = ["a": EpisodeState(), "b": EpisodeState()]
        #expect(literal.count == 2 && literal["b"] != nil)
    }

    @Test func storedSessionsKeepTheirCodableForm() throws {
        let stored = StoredSession(session: 7, fingerprint: RecordFingerprint(high: 1, low: 2), alertPriority: .warning)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let text = String(decoding: try encoder.encode(stored), as: UTF8.self)
        #expect(text == #"{"alertPriority":4,"fingerprint":{"high":1,"low":2},"session":7}"#)
        #expect(try JSONDecoder().decode(StoredSession.self, from: Data(text.utf8)) == stored)
        #expect(MemoryLayout<StoredSession>.stride == 24)
        var changed = stored
        changed.session = 10_000
        #expect(changed.session == 10_000)
    }
}
