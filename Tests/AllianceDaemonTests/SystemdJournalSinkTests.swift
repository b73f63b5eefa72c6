import AllianceCore
import Foundation
import Testing
@testable import AllianceDaemon

/// Reads what was written to a pipe's write end once it is closed.
private func drain(_ pipeDescriptors: [Int32]) -> String {
    close(pipeDescriptors[1])
    let data = FileHandle(fileDescriptor: pipeDescriptors[0], closeOnDealloc: true).readDataToEndOfFile()
    return String(decoding: data, as: UTF8.self)
}

private func makePipe() throws -> [Int32] {
    var descriptors: [Int32] = [-1, -1]
    try #require(pipe(&descriptors) == 0)
    return descriptors
}

@Test func sinkWritesTheFallbackLineWhenTheSocketIsMissing() throws {
    let scratch = try TemporaryDirectory()
    let pipe = try makePipe()
    let sink = SystemdJournalSink(socketPath: scratch.file("no-socket"), fallbackDescriptor: pipe[1])
    let event = OperationalEvent.fileRejected(source: "a b.txt", reason: .unsupportedExtension, message: "unsupported extension '.txt'")
    #expect(sink.send(event) == .wroteToStandardError)
    #expect(drain(pipe) == "3 file-rejected Failed to ingest 'a b.txt': unsupported extension '.txt', rejecting file"
        + " | ALLIANCE_SOURCE=\"a b.txt\" ALLIANCE_REASON=unsupported-extension\n")
}

@Test func aRegularFileIsNotAJournalSocket() throws {
    let scratch = try TemporaryDirectory()
    try writeFile(scratch.file("socket"), "")
    #expect(!SystemdJournalSink(socketPath: scratch.file("socket")).socketExists())
    #expect(!SystemdJournalSink(socketPath: scratch.file("missing")).socketExists())
}

@Test func aListeningSocketCountsAsTheJournal() throws {
    let scratch = try TemporaryDirectory()
    let path = scratch.file("socket")
    let descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
    defer { close(descriptor) }
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8)) }
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
    }
    try #require(bound == 0)
    #expect(SystemdJournalSink(socketPath: path).socketExists())
}

@Test func anInvalidFieldNameFailsTheWholeEntryInsteadOfLosingTheField() throws {
    let scratch = try TemporaryDirectory()
    let pipe = try makePipe()
    let sink = SystemdJournalSink(socketPath: scratch.file("no-socket"), fallbackDescriptor: pipe[1])
    let fields = [JournalField("MESSAGE", "m"), JournalField("alliance_client", "C-1")]
    #expect(sink.send(fields) == .failed(errno: EINVAL))
    #expect(sink.send([]) == .failed(errno: EINVAL))
    #expect(drain(pipe) == "")
}

@Test func aFailedFallbackWriteIsReportedAsFailed() throws {
    let scratch = try TemporaryDirectory()
    let sink = SystemdJournalSink(socketPath: scratch.file("no-socket"), fallbackDescriptor: -1)
    let result = sink.send([JournalField("MESSAGE", "m")])
    #expect(result == .failed(errno: EBADF))
    #expect(!result.isDelivered)
}

@Test(arguments: [
    ("MESSAGE", true), ("ALLIANCE_CLIENT", true), ("X9_", true), (String(repeating: "A", count: 64), true),
    ("", false), ("_PID", false), ("9LIVES", false), ("alliance_client", false), ("ALLIANCE-CLIENT", false),
    (String(repeating: "A", count: 65), false), ("ÄRGER", false),
])
func journalFieldNames(name: String, valid: Bool) {
    #expect(SystemdJournalSink.isValidFieldName(name) == valid)
}
