import Foundation
import Testing
@testable import AllianceDaemon

/// A spool with its four folders and a watcher on `incoming/`.
private struct WatchedSpool {
    let scratch: TemporaryDirectory
    let layout: SpoolLayout
    let watcher: SpoolWatcher

    init() throws {
        scratch = try TemporaryDirectory()
        layout = SpoolLayout(root: scratch.file("spool"))
        try SpoolFiles(layout: layout).createFolders()
        watcher = try SpoolWatcher(directory: layout.incoming)
    }

    /// Creates `tmp/NAME` and renames it into `incoming/`, as writers do.
    func submit(_ name: String, _ text: String = "{}") throws {
        try writeFile(layout.tmp + "/" + name, text)
        try #require(rename(layout.tmp + "/" + name, layout.incoming + "/" + name) == 0)
    }

    /// Events until `count` have arrived or five seconds have passed.
    func events(count: Int) -> [SpoolEvent] {
        var events: [SpoolEvent] = []
        let deadline = ContinuousClock.now.advanced(by: .seconds(5))
        while events.count < count, ContinuousClock.now < deadline {
            events += watcher.waitForEvents(timeout: .milliseconds(500))
        }
        return events
    }
}

@Test func aFileRenamedIntoIncomingArrives() throws {
    let spool = try WatchedSpool()
    try spool.submit("a.json")
    #expect(spool.events(count: 1) == [.arrived("a.json")])
}

@Test func aFileClosedAfterWritingInIncomingArrives() throws {
    let spool = try WatchedSpool()
    try writeFile(spool.layout.incoming + "/direct.csv", "client,session,date\n")
    #expect(spool.events(count: 1) == [.arrived("direct.csv")])
}

@Test func dotFilesAreIgnoredAndDoNotEndTheWait() throws {
    let spool = try WatchedSpool()
    try writeFile(spool.layout.incoming + "/.partial", "{")
    // Only ignored events: the wait runs to its timeout and returns nothing.
    let clock = ContinuousClock()
    let start = clock.now
    #expect(spool.watcher.waitForEvents(timeout: .milliseconds(150)) == [])
    #expect(clock.now - start >= .milliseconds(150))
    try #require(rename(spool.layout.incoming + "/.partial", spool.layout.incoming + "/b.json") == 0)
    #expect(spool.events(count: 1) == [.arrived("b.json")])
}

@Test func aFileStillBeingWrittenDoesNotArriveUntilClosed() throws {
    let spool = try WatchedSpool()
    let descriptor = open(spool.layout.incoming + "/slow.jsonl", O_WRONLY | O_CREAT | O_EXCL, 0o644)
    try #require(descriptor >= 0)
    _ = write(descriptor, "{", 1)
    #expect(spool.watcher.waitForEvents(timeout: .milliseconds(100)) == [])
    close(descriptor)
    #expect(spool.events(count: 1) == [.arrived("slow.jsonl")])
}

@Test func linksAndFIFOsCreatedInIncomingArriveSoTheyCanBeRejected() throws {
    let spool = try WatchedSpool()
    try writeFile(spool.scratch.file("outside.json"), "{}")
    try #require(symlink(spool.scratch.file("outside.json"), spool.layout.incoming + "/link.json") == 0)
    try #require(mkfifo(spool.layout.incoming + "/pipe.json", 0o600) == 0)
    try #require(link(spool.scratch.file("outside.json"), spool.layout.incoming + "/hard.json") == 0)
    #expect(spool.events(count: 3) == [.arrived("link.json"), .arrived("pipe.json"), .arrived("hard.json")])
}

@Test func repeatedEventsForOneNameArriveOnce() throws {
    let spool = try WatchedSpool()
    let path = spool.layout.incoming + "/twice.json"
    try writeFile(path, "{")
    try writeFile(path, "{}")
    #expect(spool.watcher.waitForEvents(timeout: .seconds(5)) == [.arrived("twice.json")])
}

@Test func waitingTimesOutWithNothing() throws {
    let spool = try WatchedSpool()
    let clock = ContinuousClock()
    let start = clock.now
    #expect(spool.watcher.waitForEvents(timeout: .milliseconds(80)) == [])
    let waited = clock.now - start
    // Only the lower bound is exact; the upper one just catches a wait that never ends.
    #expect(waited >= .milliseconds(80) && waited < .seconds(30))
}

@Test func cancellingTheWaitingTaskWakesIt() async throws {
    let spool = try WatchedSpool()
    let watcher = spool.watcher
    let clock = ContinuousClock()
    let start = clock.now
    // The timeout only bounds the test if the wake-up is broken; the cancel must end it long before.
    // A loaded CI machine may take seconds to schedule the cancel; 120 s means it never came.
    let waiting = Task { await watcher.nextEvents(timeout: .seconds(120)) }
    try await Task.sleep(for: .milliseconds(100))
    waiting.cancel()
    #expect(await waiting.value == [])
    #expect(clock.now - start < .seconds(60))
}

@Test func wakeBeforeTheWaitMakesItReturnAtOnce() throws {
    let spool = try WatchedSpool()
    spool.watcher.wake()
    spool.watcher.wake()
    let clock = ContinuousClock()
    let start = clock.now
    #expect(spool.watcher.waitForEvents(timeout: .seconds(5)) == [])
    #expect(clock.now - start < .seconds(1))
}

@Test func asyncWaitDeliversEvents() async throws {
    let spool = try WatchedSpool()
    try spool.submit("c.ndjson")
    #expect(await spool.watcher.nextEvents(timeout: .seconds(5)) == [.arrived("c.ndjson")])
}

@Test(.timeLimit(.minutes(1)))
func anOverflowingQueueAsksForARescanAndTheBacklogHasEveryFile() throws {
    let spool = try WatchedSpool()
    let limit = try #require(Int(try readFile("/proc/sys/fs/inotify/max_queued_events").trimmingCharacters(in: .whitespacesAndNewlines)))
    // Each file queues IN_CREATE and IN_CLOSE_WRITE; nobody reads until the queue overflowed.
    let count = limit / 2 + 100
    for index in 0..<count {
        let descriptor = open(spool.layout.incoming + "/f\(index).json", O_WRONLY | O_CREAT | O_EXCL, 0o644)
        try #require(descriptor >= 0)
        close(descriptor)
    }
    let events = spool.watcher.waitForEvents(timeout: .seconds(5))
    #expect(events.contains(.rescanNeeded))
    #expect(try spool.watcher.backlog().count == count)
}

@Test func removingIncomingLosesTheWatch() throws {
    let spool = try WatchedSpool()
    try #require(rmdir(spool.layout.incoming) == 0)
    #expect(spool.events(count: 1) == [.watchLost])
}

@Test func watchingAMissingFolderFails() throws {
    let scratch = try TemporaryDirectory()
    #expect(throws: SystemCallError("watch '\(scratch.file("nope"))'", errno: ENOENT)) {
        try SpoolWatcher(directory: scratch.file("nope"))
    }
}

@Test func backlogIsOldestModificationFirstTiesByNameWithoutDotFiles() throws {
    let spool = try WatchedSpool()
    let incoming = spool.layout.incoming
    func stamp(_ name: String, _ seconds: Int, _ nanoseconds: Int = 0) throws {
        var times = [timespec(tv_sec: seconds, tv_nsec: nanoseconds), timespec(tv_sec: seconds, tv_nsec: nanoseconds)]
        try #require(utimensat(AT_FDCWD, incoming + "/" + name, &times, AT_SYMLINK_NOFOLLOW) == 0)
    }
    for name in ["new.json", "old.json", "b-tie.json", "a-tie.json", "middle.csv", ".hidden.json"] {
        try writeFile(incoming + "/" + name, "{}")
    }
    try #require(symlink("/nonexistent", incoming + "/link.json") == 0)
    try stamp("new.json", 1_800_000_000)
    try stamp("old.json", 1_600_000_000)
    try stamp("b-tie.json", 1_700_000_000, 5)
    try stamp("a-tie.json", 1_700_000_000, 5)
    try stamp("middle.csv", 1_700_000_000, 4)
    try stamp(".hidden.json", 1_000_000_000)
    try stamp("link.json", 1_650_000_000)
    #expect(try spool.watcher.backlog() == ["old.json", "link.json", "middle.csv", "a-tie.json", "b-tie.json", "new.json"])
}
