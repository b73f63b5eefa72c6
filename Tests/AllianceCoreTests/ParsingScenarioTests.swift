import Foundation
import Testing
@testable import AllianceCore

/// Every public scenario file parses; only p17's 13 invalid lines are rejected.
@Suite struct ParsingScenarioTests {
    static let directory: URL = Bundle.module.resourceURL!.appendingPathComponent("Scenarios")

    static let inputFiles: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { name in
            !name.hasSuffix(".expected.jsonl") && RecordFileFormat(fileName: name) != nil
        }.sorted()
    }()

    private func parse(_ name: String) throws -> ParsedFile {
        let data = try Data(contentsOf: Self.directory.appendingPathComponent(name))
        return ParsingFixture.parser.parseFile(name: name, bytes: [UInt8](data))
    }

    @Test func scenariosAreFound() {
        #expect(Self.inputFiles.filter { $0.hasPrefix("p") }.count == 19)
        #expect(Self.inputFiles.contains("p12_client_tension.json"))
        #expect(Self.inputFiles.contains("p16_csv_file.csv"))
    }

    @Test(arguments: inputFiles.filter { !$0.hasPrefix("p17") })
    func everyRecordIsValid(name: String) throws {
        let file = try parse(name)
        #expect(file.fileRejection == nil)
        #expect(!file.entries.isEmpty)
        for rejected in file.rejected {
            Issue.record("\(name): \(rejected.issue)")
        }
    }

    @Test func p17RejectsExactlyItsThirteenBadLines() throws {
        let file = try parse("p17_invalid_records.jsonl")
        #expect(file.fileRejection == nil)
        #expect(file.entries.map(ParsingFixture.summary) == [
            "1 ok",
            "2 out-of-range srs.approach",
            "3 ok",
            "4 unknown-field notes",
            "5 unsupported-schema schema",
            "6 missing-field client",
            "7 ratings-on-missed-session srs",
            "8 unknown-marker markers[0]",
            "9 invalid-json -",
            "10 future-date date",
            "11 wrong-type session",
            "12 wrong-length wai_sr",
            "13 missing-field psq.intensity",
            "14 invalid-format client",
            "15 no-ratings -",
            "16 ok",
        ])
        let lines = try String(contentsOf: Self.directory.appendingPathComponent("p17_invalid_records.jsonl"), encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for rejected in file.rejected {
            #expect(rejected.text == lines[rejected.issue.line - 1])
        }
    }

    @Test func p12ArrayElementsAreNumberedByPosition() throws {
        let file = try parse("p12_client_tension.json")
        #expect(file.entries.map(\.line) == [1, 2, 3, 4, 5, 6])
        guard case .session(let last) = file.records[5].record else {
            Issue.record("expected a session")
            return
        }
        #expect(last.psq == PSQRatings(tension: true, intensity: 5, resolution: 1))
        #expect(last.srs == nil)
    }

    @Test func p16RowsMatchTheRecordsTheyStandFor() throws {
        let file = try parse("p16_csv_file.csv")
        #expect(file.entries.map(\.line) == [2, 3, 4, 5, 6])
        guard case .session(let record) = file.records[1].record else {
            Issue.record("expected a session")
            return
        }
        #expect(record.markers == ["rigid", "critical"])
        #expect(record.profile == ProfileUpdate(substanceUse: true, motivation: Motivation(level: .low)))
    }
}
