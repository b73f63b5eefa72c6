import AllianceCore
import Foundation
import Testing

// SPEC §2: what becomes of invalid records, unparseable files and entries that are not files.

extension DaemonIntegrationTests {
    /// A session record with an SRS total spread evenly, dated `day` days after 2026-01-05.
    static func session(_ client: String, _ session: Int, srs total: Double, day: Int = 0, extra: String = "") -> String {
        let quarter = total / 4
        let date = CalendarDate(year: 2026, month: 1, day: 5)!.adding(days: day)
        return #"{"schema": 1, "client": "\#(client)", "session": \#(session), "date": "\#(date)", "#
            + #""srs": {"relationship": \#(quarter), "goals": \#(quarter), "approach": \#(quarter), "overall": \#(quarter)}\#(extra)}"#
    }

    /// A JSONL file with valid and invalid lines: the valid records are stored, the file goes to
    /// processed/, each invalid line goes as written to rejected/NAME.rejected.jsonl with its
    /// line, reason and field in rejected/NAME.error.json and one record-rejected entry each.
    /// Unparseable files go whole to rejected/ with NAME.error.json and a file-rejected entry,
    /// and a second file of the same name does not overwrite the first (`.1`).
    @Test(.timeLimit(.minutes(2)))
    func invalidLinesAndUnparseableFiles() async throws {
        let fixture = try DaemonFixture("rejections")
        defer { fixture.tearDown() }
        let journal = fixture.journal("journal")
        let lines = [
            Self.session("C-301", 1, srs: 38),
            #"{"schema": 1, "client": "C-301", "session": 2, "date": "2026-01-12", "srs": {"relationship": 11, "goals": 9, "approach": 9, "overall": 9}}"#,
            Self.session("C-301", 2, srs: 34, day: 7),
            Self.session("C-301", 3, srs: 35, day: 14, extra: #", "notes": "asked about the weekend""#),
            #"{"schema": 1, "client": "C-301", "#,
            "",
            Self.session("C-301", 3, srs: 36, day: 14),
            Self.session("C-301", 1, srs: 30),
        ]
        let mixed = fixture.scratch.file("mixed.jsonl")
        try writeFile(mixed, lines.joined(separator: "\n") + "\n")
        let broken = fixture.scratch.file("broken.json")
        try writeFile(broken, #"{"schema": 1, "client": "C-302""#)
        let badHeader = fixture.scratch.file("intake.csv")
        try writeFile(badHeader, "client,session,srs_relationship\nC-303,1,9\n")

        let (daemon, _) = try await fixture.startReadyDaemon("run", journal: journal)
        for path in [mixed, broken, badHeader] { try fixture.copyThenRename(path) }
        try await eventually("three files handled") {
            fixture.pendingNames.isEmpty && fixture.names(in: fixture.processed) == ["mixed.jsonl"]
                && fixture.names(in: fixture.rejected).count == 6
        }
        // The same name again must not replace the first rejected file.
        try fixture.copyThenRename(broken)
        try await eventually("the second 'broken.json' rejected") { fixture.names(in: fixture.rejected).count == 8 }
        #expect(try await daemon.stop() == 0)

        #expect(fixture.names(in: fixture.rejected) == [
            "broken.json", "broken.json.1", "broken.json.1.error.json", "broken.json.error.json",
            "intake.csv", "intake.csv.error.json", "mixed.jsonl.error.json", "mixed.jsonl.rejected.jsonl",
        ])
        #expect(try readFile(fixture.processed + "/mixed.jsonl") == (try readFile(mixed)))
        #expect(try readFile(fixture.rejected + "/mixed.jsonl.rejected.jsonl") == [1, 3, 4, 7].map { lines[$0] + "\n" }.joined())
        let errors = try Self.errorEntries(fixture.rejected + "/mixed.jsonl.error.json")
        #expect(errors.map { [$0["line"] ?? "", $0["reason"] ?? "", $0["field"] ?? "-"] } == [
            ["2", "out-of-range", "srs.relationship"],
            ["4", "unknown-field", "notes"],
            ["5", "invalid-json", "-"],
            ["8", "conflict", "-"],
        ])
        #expect(errors.allSatisfy { !($0["message"] ?? "").isEmpty })

        let recordRejections = try journal.events("record-rejected", scratch: fixture.scratch.path)
        #expect(recordRejections.map { [$0["ALLIANCE_LINE"] ?? "", $0["ALLIANCE_REASON"] ?? "", $0["ALLIANCE_FIELD"] ?? "-"] }
            == errors.map { [$0["line"] ?? "", $0["reason"] ?? "", $0["field"] ?? "-"] })
        for entry in recordRejections {
            #expect(entry["ALLIANCE_SOURCE"] == "mixed.jsonl")
            #expect(entry["MESSAGE_ID"] == AlertEntryRules.eventMessageIDs["record-rejected"] && entry["PRIORITY"] == "3")
            #expect(entry["MESSAGE"]?.hasPrefix("Failed to ") == true && entry["MESSAGE"]?.contains("'mixed.jsonl' line \(entry["ALLIANCE_LINE"] ?? "")") == true)
        }

        #expect(try readFile(fixture.rejected + "/broken.json") == (try readFile(broken)))
        #expect(try Self.errorEntries(fixture.rejected + "/broken.json.error.json").map { $0["reason"] } == ["invalid-json"])
        #expect(try Self.errorEntries(fixture.rejected + "/intake.csv.error.json").map { $0["reason"] } == ["bad-csv-header"])
        let fileRejections = try journal.events("file-rejected", scratch: fixture.scratch.path)
        #expect(fileRejections.map { [$0["ALLIANCE_SOURCE"] ?? "", $0["ALLIANCE_REASON"] ?? ""] }
            == [["broken.json", "invalid-json"], ["intake.csv", "bad-csv-header"], ["broken.json", "invalid-json"]])
        #expect(fileRejections.allSatisfy { $0["MESSAGE_ID"] == AlertEntryRules.eventMessageIDs["file-rejected"] && $0["PRIORITY"] == "3" })

        // The three valid records, and the alerts of the second.
        #expect(try fixture.query("SELECT client || '/' || session || '/' || srs FROM sessions ORDER BY session")
            == ["C-301/1/38.0", "C-301/2/34.0", "C-301/3/36.0"])
        let alerts = try journal.alerts(scratch: fixture.scratch.path)
        #expect(Set(alerts.compactMap { $0["ALLIANCE_ALERT"] }) == ["below-cutoff/C-301/1/srs/2", "dip/C-301/1/srs/2"])
    }

    /// A symbolic link, a FIFO, a folder, an unsupported extension and a file over
    /// `spool.max_file_bytes` are rejected whole (the link and the FIFO moved as themselves,
    /// never followed or opened), both in the backlog and while watching, and the daemon goes
    /// on to ingest the next file.
    @Test(.timeLimit(.minutes(2)))
    func entriesThatAreNotRecordFiles() async throws {
        let fixture = try DaemonFixture("special")
        defer { fixture.tearDown() }
        try fixture.writeConfig(spoolKeys: ["max_file_bytes = 400"])
        let journal = fixture.journal("journal")
        let target = fixture.scratch.file("outside.jsonl")
        let targetText = Self.session("C-401", 1, srs: 30) + "\n"
        try writeFile(target, targetText)

        // In the backlog: a FIFO (opening it would block the start) and a link.
        try fixture.createSpoolFolders()
        #expect(mkfifo(fixture.incoming + "/early-pipe.jsonl", 0o600) == 0)
        #expect(symlink(target, fixture.incoming + "/early-link.jsonl") == 0)
        let (daemon, _) = try await fixture.startReadyDaemon("run", journal: journal)
        #expect(fixture.pendingNames.isEmpty, "READY=1 before the backlog was handled")

        // While watching: the same kinds, created in incoming/ directly.
        #expect(symlink(target, fixture.incoming + "/link.jsonl") == 0)
        #expect(mkfifo(fixture.incoming + "/pipe.jsonl", 0o600) == 0)
        #expect(mkdir(fixture.incoming + "/folder.jsonl", 0o700) == 0)
        let notes = fixture.scratch.file("notes.txt")
        try writeFile(notes, targetText)
        try fixture.copyThenRename(notes)
        let big = fixture.scratch.file("big.jsonl")
        try writeFile(big, (1...5).map { Self.session("C-403", $0, srs: 38, day: 7 * ($0 - 1)) + "\n" }.joined())
        try fixture.copyThenRename(big)
        let small = fixture.scratch.file("small.jsonl")
        try writeFile(small, Self.session("C-402", 1, srs: 30) + "\n")
        #expect(try fixture.submit([small]).status == 0)

        let special = ["early-pipe.jsonl", "early-link.jsonl", "link.jsonl", "pipe.jsonl", "folder.jsonl", "notes.txt", "big.jsonl"]
        try await eventually("every entry handled") {
            fixture.pendingNames.isEmpty && fixture.names(in: fixture.processed) == ["small.jsonl"]
                && fixture.names(in: fixture.rejected).count == 2 * special.count
        }
        #expect(try await daemon.stop() == 0)

        let reasons = [
            "early-pipe.jsonl": "not-a-regular-file", "early-link.jsonl": "not-a-regular-file",
            "link.jsonl": "not-a-regular-file", "pipe.jsonl": "not-a-regular-file", "folder.jsonl": "not-a-regular-file",
            "notes.txt": "unsupported-extension", "big.jsonl": "too-large",
        ]
        #expect(fixture.names(in: fixture.rejected) == special.flatMap { [$0, $0 + ".error.json"] }.sorted())
        for (name, reason) in reasons {
            #expect(try Self.errorEntries(fixture.rejected + "/\(name).error.json").map { $0["reason"] } == [reason], "\(name)")
        }
        for link in ["early-link.jsonl", "link.jsonl"] {
            #expect(try FileManager.default.destinationOfSymbolicLink(atPath: fixture.rejected + "/" + link) == target)
        }
        for pipe in ["early-pipe.jsonl", "pipe.jsonl"] {
            var status = stat()
            #expect(lstat(fixture.rejected + "/" + pipe, &status) == 0 && (status.st_mode & S_IFMT) == S_IFIFO)
        }
        #expect(try readFile(target) == targetText, "the link's target was touched")
        #expect(try fixture.query("SELECT DISTINCT client FROM sessions") == ["C-402"])

        let fileRejections = try journal.events("file-rejected", scratch: fixture.scratch.path)
        #expect(Dictionary(fileRejections.map { ($0["ALLIANCE_SOURCE"] ?? "?", $0["ALLIANCE_REASON"] ?? "?") }, uniquingKeysWith: { a, b in a + "," + b }) == reasons)
        let alerts = try journal.alerts(scratch: fixture.scratch.path)
        #expect(alerts.map { $0["ALLIANCE_ALERT"] ?? "" } == ["below-cutoff/C-402/1/srs/1"])
    }

    /// A writer that creates the file in incoming/ itself (no rename) is ingested at
    /// IN_CLOSE_WRITE, with everything it wrote: not at IN_CREATE, not while it is still open.
    @Test(.timeLimit(.minutes(2)))
    func fileWrittenInPlaceIsIngestedWhenClosed() async throws {
        let fixture = try DaemonFixture("in-place")
        defer { fixture.tearDown() }
        let journal = fixture.journal("journal")
        let (daemon, _) = try await fixture.startReadyDaemon("run", journal: journal)

        let path = fixture.incoming + "/direct.jsonl"
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o640)
        try #require(descriptor >= 0)
        let first = [Self.session("C-501", 1, srs: 38), Self.session("C-501", 2, srs: 38, day: 7)].joined(separator: "\n") + "\n"
        #expect(write(descriptor, first, first.utf8.count) == first.utf8.count)

        // A file renamed in after direct.jsonl was created: once the daemon has ingested it,
        // it has seen every event before, and direct.jsonl, still open, must still be waiting.
        let marker = fixture.scratch.file("marker.jsonl")
        try writeFile(marker, Self.session("C-502", 1, srs: 38) + "\n")
        #expect(try fixture.submit([marker]).status == 0)
        try await eventually("'marker.jsonl' processed") { fixture.names(in: fixture.processed) == ["marker.jsonl"] }
        #expect(fixture.pendingNames == ["direct.jsonl"], "a file still open for writing was taken")

        let second = [Self.session("C-501", 3, srs: 30, day: 14), Self.session("C-501", 4, srs: 38, day: 21)].joined(separator: "\n") + "\n"
        #expect(write(descriptor, second, second.utf8.count) == second.utf8.count)
        close(descriptor)
        try await eventually("'direct.jsonl' processed") {
            fixture.names(in: fixture.processed) == ["direct.jsonl", "marker.jsonl"] && fixture.pendingNames.isEmpty
        }
        #expect(try await daemon.stop() == 0)

        #expect(try fixture.count("SELECT COUNT(*) FROM sessions WHERE client = 'C-501' AND source = 'direct.jsonl'") == 4)
        let alerts = Set(try journal.alerts(scratch: fixture.scratch.path).compactMap { $0["ALLIANCE_ALERT"] })
        #expect(alerts.isSuperset(of: ["rupture/C-501/1/srs/3", "repaired/C-501/1/srs/4"]), "\(alerts)")
    }

    /// `spool.keep_processed_days = 0`: an ingested file is deleted at once instead of kept in
    /// processed/; its rejected lines are still kept in rejected/ with their error file.
    @Test(.timeLimit(.minutes(2)))
    func keepProcessedDaysZeroDeletesIngestedFiles() async throws {
        let fixture = try DaemonFixture("keep-zero")
        defer { fixture.tearDown() }
        try fixture.writeConfig(spoolKeys: ["keep_processed_days = 0"])
        let good = fixture.scratch.file("good.jsonl")
        try writeFile(good, Self.session("C-701", 1, srs: 38) + "\n")
        let mixed = fixture.scratch.file("mixed.jsonl")
        let bad = #"{"schema": 2, "client": "C-702", "session": 1, "date": "2026-01-05", "srs": {"relationship": 9, "goals": 9, "approach": 9, "overall": 9}}"#
        try writeFile(mixed, Self.session("C-702", 1, srs: 38) + "\n" + bad + "\n")
        let (daemon, _) = try await fixture.startReadyDaemon("run", journal: fixture.journal("journal"))
        try fixture.copyThenRename(good)
        try fixture.copyThenRename(mixed)
        try await eventually("both files handled") {
            let sessions = try fixture.count("SELECT COUNT(*) FROM sessions")
            return fixture.pendingNames.isEmpty && fixture.names(in: fixture.rejected).count == 2 && sessions == 2
        }
        #expect(try await daemon.stop() == 0)
        #expect(fixture.names(in: fixture.processed).isEmpty)
        #expect(fixture.names(in: fixture.rejected) == ["mixed.jsonl.error.json", "mixed.jsonl.rejected.jsonl"])
        #expect(try readFile(fixture.rejected + "/mixed.jsonl.rejected.jsonl") == bad + "\n")
    }

    /// The objects of a `NAME.error.json`, every value as a string.
    static func errorEntries(_ path: String) throws -> [[String: String]] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        guard let array = try JSONSerialization.jsonObject(with: data) as? [[String: Any]] else {
            throw HarnessError("\(path) is not an array of objects")
        }
        return array.map { $0.mapValues { "\($0)" } }
    }
}
