import AllianceCore
import Foundation
import Testing
@testable import AllianceDaemon

/// A temporary spool with its folders created.
private struct Spool {
    let scratch: TemporaryDirectory
    let files: SpoolFiles
    var layout: SpoolLayout { files.layout }

    init() throws {
        scratch = try TemporaryDirectory()
        files = SpoolFiles(layout: SpoolLayout(root: scratch.file("spool")))
        try files.createFolders()
    }

    func incoming(_ name: String, _ text: String = "{}") throws {
        try writeFile(layout.incoming + "/" + name, text)
    }
}

private func isSymbolicLink(_ path: String) -> Bool {
    var status = stat()
    return lstat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFLNK
}

// MARK: - Folders

@Test func createFoldersMakesTheSpoolAndItsFourFoldersAndCanRunAgain() throws {
    let scratch = try TemporaryDirectory()
    let files = SpoolFiles(layout: SpoolLayout(root: scratch.file("var/spool/alliance-watch")))
    try files.createFolders()
    try files.createFolders()
    #expect(try listing(files.layout.root) == ["incoming", "processed", "rejected", "tmp"])
    var status = stat()
    #expect(stat(files.layout.processed, &status) == 0 && status.st_mode & 0o777 == 0o700 & ~currentUmask())
}

@Test func aFileWhereAFolderShouldBeIsAnError() throws {
    let scratch = try TemporaryDirectory()
    let layout = SpoolLayout(root: scratch.file("spool"))
    try #require(mkdir(layout.root, 0o755) == 0)
    try writeFile(layout.incoming, "not a folder")
    #expect(throws: SystemCallError("create folder '\(layout.incoming)'", errno: ENOTDIR)) {
        try SpoolFiles(layout: layout).createFolders()
    }
}

private func currentUmask() -> mode_t {
    let mask = umask(0o022)
    umask(mask)
    return mask
}

// MARK: - Reading

@Test func aRegularFileIsReadWhole() throws {
    let spool = try Spool()
    try spool.incoming("a.jsonl", "{\"schema\": 1}\n")
    #expect(spool.files.read("a.jsonl", maxBytes: 100) == .contents(Array("{\"schema\": 1}\n".utf8)))
}

@Test func aFileOfExactlyTheLimitIsReadAndOneByteMoreIsTooLarge() throws {
    let spool = try Spool()
    try spool.incoming("ten.json", "0123456789")
    try spool.incoming("eleven.json", "0123456789A")
    #expect(spool.files.read("ten.json", maxBytes: 10) == .contents(Array("0123456789".utf8)))
    #expect(spool.files.read("eleven.json", maxBytes: 10)
        == .rejected(reason: .tooLarge, message: "11 bytes, more than spool.max_file_bytes (10)"))
}

@Test func aSymbolicLinkIsRejectedNotFollowed() throws {
    let spool = try Spool()
    try writeFile(spool.scratch.file("target.json"), "{}")
    try #require(symlink(spool.scratch.file("target.json"), spool.layout.incoming + "/link.json") == 0)
    #expect(spool.files.read("link.json", maxBytes: 100)
        == .rejected(reason: .notARegularFile, message: "not a regular file but a symbolic link"))
}

@Test(.timeLimit(.minutes(1)))
func aFIFOIsRejectedWithoutBlocking() throws {
    let spool = try Spool()
    try #require(mkfifo(spool.layout.incoming + "/pipe.json", 0o600) == 0)
    #expect(spool.files.read("pipe.json", maxBytes: 100) == .rejected(reason: .notARegularFile, message: "not a regular file but a FIFO"))
}

@Test func aFolderAndADeviceAreNotRegularFiles() throws {
    let spool = try Spool()
    try #require(mkdir(spool.layout.incoming + "/sub.json", 0o700) == 0)
    #expect(spool.files.read("sub.json", maxBytes: 100) == .rejected(reason: .notARegularFile, message: "not a regular file but a directory"))
    #expect(SpoolFiles.readRegularFile(atPath: "/dev/null", maxBytes: nil)
        == .rejected(reason: .notARegularFile, message: "not a regular file but a character device"))
}

@Test func aFileThatFailsToReadIsUnreadable() {
    // /proc/self/mem is a regular file that even root cannot read at offset 0.
    #expect(SpoolFiles.readRegularFile(atPath: "/proc/self/mem", maxBytes: nil)
        == .rejected(reason: .unreadable, message: "cannot read: Input/output error"))
}

@Test func aMissingFileHasVanished() throws {
    let spool = try Spool()
    #expect(spool.files.read("gone.json", maxBytes: 100) == .vanished)
}

@Test func replayReadsWithoutALimit() throws {
    let spool = try Spool()
    let big = String(repeating: "x", count: 3 * 1024 * 1024 + 17)
    try writeFile(spool.scratch.file("big.jsonl"), big)
    #expect(SpoolFiles.readRegularFile(atPath: spool.scratch.file("big.jsonl"), maxBytes: nil) == .contents(Array(big.utf8)))
}

// MARK: - Placing

@Test func anIngestedFileMovesToProcessedWithoutOverwriting() throws {
    let spool = try Spool()
    try writeFile(spool.layout.processed + "/a.json", "first")
    try writeFile(spool.layout.processed + "/a.json.1", "second")
    try spool.incoming("a.json", "third")
    let placement = try spool.files.place("a.json", outcome: .ingested(rejectedRecords: []))
    #expect(placement == SpoolPlacement(destination: .processed, name: "a.json.2"))
    #expect(try readFile(spool.layout.processed + "/a.json") == "first")
    #expect(try readFile(spool.layout.processed + "/a.json.1") == "second")
    #expect(try readFile(spool.layout.processed + "/a.json.2") == "third")
    #expect(try listing(spool.layout.incoming) == [])
}

@Test func rejectedRecordsGoToRejectedWithTheirErrorsAndTheFileToProcessed() throws {
    let spool = try Spool()
    try spool.incoming("s.jsonl", "line 1\nline 2\nline 3\n")
    let records = [
        RejectedRecord(
            issue: RecordIssue(line: 2, reason: .outOfRange, field: "srs.approach", message: "11 is out of range 0…10"),
            text: #"{"schema": 1, "srs": {"approach": 11}}"#),
        RejectedRecord(
            issue: RecordIssue(line: 3, reason: .invalidJSON, message: "unexpected \"end\" of input"),
            text: #"{"schema": 1,"#),
    ]
    let placement = try spool.files.place("s.jsonl", outcome: .ingested(rejectedRecords: records))
    #expect(placement == SpoolPlacement(
        destination: .processed, name: "s.jsonl", errorFile: "s.jsonl.error.json", rejectedRecordsFile: "s.jsonl.rejected.jsonl"))
    #expect(try readFile(spool.layout.rejected + "/s.jsonl.error.json") == """
        [
          {"line": 2, "reason": "out-of-range", "field": "srs.approach", "message": "11 is out of range 0…10"},
          {"line": 3, "reason": "invalid-json", "message": "unexpected \\"end\\" of input"}
        ]

        """)
    #expect(try readFile(spool.layout.rejected + "/s.jsonl.rejected.jsonl") == """
        {"schema": 1, "srs": {"approach": 11}}
        {"schema": 1,

        """)
    #expect(try readFile(spool.layout.processed + "/s.jsonl") == "line 1\nline 2\nline 3\n")
    #expect(try listing(spool.layout.rejected) == ["s.jsonl.error.json", "s.jsonl.rejected.jsonl"])
}

@Test func aClashInAnyFolderGivesEveryNameTheSameSuffix() throws {
    let spool = try Spool()
    // An earlier file of the same name left its errors; processed/ has no clash.
    try writeFile(spool.layout.rejected + "/s.jsonl.error.json", "earlier")
    try spool.incoming("s.jsonl", "x\n")
    let record = RejectedRecord(issue: RecordIssue(line: 1, reason: .missingField, field: "client", message: "client is required"), text: "x")
    let placement = try spool.files.place("s.jsonl", outcome: .ingested(rejectedRecords: [record]))
    #expect(placement == SpoolPlacement(
        destination: .processed, name: "s.jsonl.1", errorFile: "s.jsonl.1.error.json", rejectedRecordsFile: "s.jsonl.1.rejected.jsonl"))
    #expect(try readFile(spool.layout.rejected + "/s.jsonl.error.json") == "earlier")
    #expect(try listing(spool.layout.processed) == ["s.jsonl.1"])
}

@Test func aClashInProcessedAloneAlsoSuffixesTheRejectionFiles() throws {
    let spool = try Spool()
    try writeFile(spool.layout.processed + "/s.jsonl", "earlier")
    try spool.incoming("s.jsonl", "x\n")
    let record = RejectedRecord(issue: RecordIssue(line: 1, reason: .missingField, field: "client", message: "client is required"), text: "x")
    let placement = try spool.files.place("s.jsonl", outcome: .ingested(rejectedRecords: [record]))
    #expect(placement == SpoolPlacement(
        destination: .processed, name: "s.jsonl.1", errorFile: "s.jsonl.1.error.json", rejectedRecordsFile: "s.jsonl.1.rejected.jsonl"))
    #expect(try readFile(spool.layout.processed + "/s.jsonl") == "earlier")
    #expect(try listing(spool.layout.rejected) == ["s.jsonl.1.error.json", "s.jsonl.1.rejected.jsonl"])
}

@Test func aWholeFileRejectionMovesItToRejectedWithItsErrorFile() throws {
    let spool = try Spool()
    try writeFile(spool.layout.rejected + "/notes.txt", "older")
    try spool.incoming("notes.txt", "hello")
    let placement = try spool.files.place(
        "notes.txt", outcome: .rejected(SpoolErrorEntry(reason: .unsupportedExtension, message: "unsupported extension '.txt'")))
    #expect(placement == SpoolPlacement(destination: .rejected, name: "notes.txt.1", errorFile: "notes.txt.1.error.json"))
    #expect(try readFile(spool.layout.rejected + "/notes.txt.1.error.json") == """
        [
          {"reason": "unsupported-extension", "message": "unsupported extension '.txt'"}
        ]

        """)
    #expect(try readFile(spool.layout.rejected + "/notes.txt") == "older")
    #expect(try readFile(spool.layout.rejected + "/notes.txt.1") == "hello")
    #expect(try listing(spool.layout.rejected) == ["notes.txt", "notes.txt.1", "notes.txt.1.error.json"])
}

@Test func aSymbolicLinkIsMovedAsItselfAndItsTargetIsUntouched() throws {
    let spool = try Spool()
    let target = spool.scratch.file("secret.json")
    try writeFile(target, "keep me")
    try #require(symlink(target, spool.layout.incoming + "/link.json") == 0)
    try spool.files.place(
        "link.json", outcome: .rejected(SpoolErrorEntry(reason: .notARegularFile, message: "not a regular file but a symbolic link")))
    #expect(isSymbolicLink(spool.layout.rejected + "/link.json"))
    #expect(try FileManager.default.destinationOfSymbolicLink(atPath: spool.layout.rejected + "/link.json") == target)
    #expect(try readFile(target) == "keep me")
}

@Test func aFIFOAndAFolderCanBeRejected() throws {
    let spool = try Spool()
    try #require(mkfifo(spool.layout.incoming + "/pipe.json", 0o600) == 0)
    try #require(mkdir(spool.layout.incoming + "/sub.json", 0o700) == 0)
    let entry = SpoolErrorEntry(reason: .notARegularFile, message: "not a regular file")
    try spool.files.place("pipe.json", outcome: .rejected(entry))
    try spool.files.place("sub.json", outcome: .rejected(entry))
    #expect(try listing(spool.layout.rejected) == ["pipe.json", "pipe.json.error.json", "sub.json", "sub.json.error.json"])
}

@Test func withDeleteRetentionIngestedFilesAreRemovedButRejectedRecordsKept() throws {
    let spool = try Spool()
    try spool.incoming("a.json")
    try spool.incoming("b.jsonl", "bad\n")
    #expect(try spool.files.place("a.json", outcome: .ingested(rejectedRecords: []), retention: .delete)
        == SpoolPlacement(destination: .deleted, name: "a.json"))
    let record = RejectedRecord(issue: RecordIssue(line: 1, reason: .invalidJSON, message: "bad"), text: "bad")
    #expect(try spool.files.place("b.jsonl", outcome: .ingested(rejectedRecords: [record]), retention: .delete)
        == SpoolPlacement(destination: .deleted, name: "b.jsonl", errorFile: "b.jsonl.error.json", rejectedRecordsFile: "b.jsonl.rejected.jsonl"))
    #expect(try listing(spool.layout.incoming) == [])
    #expect(try listing(spool.layout.processed) == [])
    #expect(try readFile(spool.layout.rejected + "/b.jsonl.rejected.jsonl") == "bad\n")
}

@Test func placingAVanishedFileThrowsAndWritesNothing() throws {
    let spool = try Spool()
    let record = RejectedRecord(issue: RecordIssue(line: 1, reason: .invalidJSON, message: "bad"), text: "bad")
    #expect(throws: SystemCallError("examine '\(spool.layout.incoming)/gone.jsonl'", errno: ENOENT)) {
        try spool.files.place("gone.jsonl", outcome: .ingested(rejectedRecords: [record]))
    }
    #expect(try listing(spool.layout.rejected) == [])
}

@Test(arguments: ["../escape.json", "sub/x.json", "..", ".", ""])
func namesThatLeaveIncomingAreRefused(name: String) throws {
    let spool = try Spool()
    try writeFile(spool.layout.root + "/escape.json", "{}")
    #expect(spool.files.read(name, maxBytes: 100) == .rejected(reason: .unreadable, message: "not a file name in incoming/"))
    #expect(throws: SystemCallError("place '\(name)'", errno: EINVAL)) {
        try spool.files.place(name, outcome: .ingested(rejectedRecords: []))
    }
    #expect(try listing(spool.layout.processed) == [])
}

@Test func syncingTheFoldersSucceedsAfterABatch() throws {
    let spool = try Spool()
    for index in 0..<5 {
        try spool.incoming("f\(index).json")
        try spool.files.place("f\(index).json", outcome: .ingested(rejectedRecords: []))
    }
    try spool.files.syncDirectories()
    #expect(try listing(spool.layout.processed).count == 5)
}

@Test func syncingMissingFoldersFails() throws {
    let scratch = try TemporaryDirectory()
    let files = SpoolFiles(layout: SpoolLayout(root: scratch.file("none")))
    #expect(throws: SystemCallError("open '\(files.layout.incoming)'", errno: ENOENT)) {
        try files.syncDirectories()
    }
}

// MARK: - The no-replace rename

@Test(arguments: [true, false])
func noReplaceRenameNeverOverwrites(allowRenameat2: Bool) throws {
    let scratch = try TemporaryDirectory()
    try writeFile(scratch.file("a"), "a")
    try writeFile(scratch.file("b"), "b")
    #expect(try NoReplaceRename.rename(scratch.file("a"), to: scratch.file("b"), allowRenameat2: allowRenameat2) == false)
    #expect(try readFile(scratch.file("a")) == "a")
    #expect(try readFile(scratch.file("b")) == "b")
    #expect(try NoReplaceRename.rename(scratch.file("a"), to: scratch.file("c"), allowRenameat2: allowRenameat2) == true)
    #expect(try listing(scratch.path) == ["b", "c"])

    try #require(symlink(scratch.file("b"), scratch.file("link")) == 0)
    #expect(try NoReplaceRename.rename(scratch.file("link"), to: scratch.file("moved"), allowRenameat2: allowRenameat2) == true)
    #expect(isSymbolicLink(scratch.file("moved")))
    #expect(try readFile(scratch.file("b")) == "b")
}

// MARK: - Cleaning up processed/

@Test func processedFilesAreDeletedByTheTimeTheyWerePlacedNotTheirModificationTime() throws {
    let spool = try Spool()
    try spool.incoming("old-data.json")
    // Written long ago, ingested now: it must stay for keep_processed_days from now.
    var times = [timespec(tv_sec: 1_000_000_000, tv_nsec: 0), timespec(tv_sec: 1_000_000_000, tv_nsec: 0)]
    try #require(utimensat(AT_FDCWD, spool.layout.incoming + "/old-data.json", &times, 0) == 0)
    try spool.files.place("old-data.json", outcome: .ingested(rejectedRecords: []))
    try writeFile(spool.layout.processed + "/.dot", "")
    let now = SpoolFiles.wallClockSeconds()

    #expect(try spool.files.deleteProcessed(keepDays: 30, now: now) == [])
    #expect(try spool.files.deleteProcessed(keepDays: 30, now: now + 29 * 86_400) == [])
    #expect(try spool.files.deleteProcessed(keepDays: 30, now: now + 30 * 86_400 + 1) == ["old-data.json"])
    #expect(try listing(spool.layout.processed) == [".dot"])
}

@Test func keepingZeroDaysDeletesEveryProcessedFile() throws {
    let spool = try Spool()
    for name in ["a.json", "b.csv"] {
        try spool.incoming(name)
        try spool.files.place(name, outcome: .ingested(rejectedRecords: []))
    }
    #expect(try spool.files.deleteProcessed(keepDays: 0) == ["a.json", "b.csv"])
}

@Test func errorJSONForAWholeFileHasNoLine() {
    #expect(SpoolFiles.errorJSON([SpoolErrorEntry(line: nil, reason: .tooLarge, message: "9 bytes")])
        == "[\n  {\"reason\": \"too-large\", \"message\": \"9 bytes\"}\n]\n")
    #expect(SpoolFiles.errorJSON([SpoolErrorEntry(line: 1, reason: .badCSVHeader, field: "clinet", message: "unknown column 'clinet'")])
        == "[\n  {\"line\": 1, \"reason\": \"bad-csv-header\", \"field\": \"clinet\", \"message\": \"unknown column 'clinet'\"}\n]\n")
}
