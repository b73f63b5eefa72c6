import AllianceCore
import Glibc

/// Reads a file named on the command line for `replay`: regular files only (a symbolic link,
/// device or FIFO is `not-a-regular-file` and never followed or opened), no size limit. A
/// JSON-lines file is read in pieces that end at a line break, so that memory stays flat
/// however large the file is.
final class ReplayFileReader {
    /// Bytes per piece; a piece is extended to the next line break.
    static let chunkSize = 1 << 20

    private let descriptor: Int32
    private let path: String
    private var carry: [UInt8] = []
    private var atEnd = false
    private var nextLine = 1

    /// One piece of the file: whole lines, and the line number of the first.
    struct Chunk: Sendable {
        var bytes: [UInt8]
        var firstLine: Int
    }

    private init(descriptor: Int32, path: String) {
        self.descriptor = descriptor
        self.path = path
    }

    deinit { close(descriptor) }

    static func open(path: String) -> Result<ReplayFileReader, RecordIssue> {
        var info = stat()
        guard lstat(path, &info) == 0 else { return .failure(unreadable("cannot open '\(path)'")) }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            return .failure(RecordIssue(line: 0, reason: .notARegularFile, message: "'\(path)' is not a regular file"))
        }
        let descriptor = Glibc.open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else { return .failure(unreadable("cannot open '\(path)'")) }
        return .success(ReplayFileReader(descriptor: descriptor, path: path))
    }

    private static func unreadable(_ what: String) -> RecordIssue {
        RecordIssue(line: 0, reason: .unreadable, message: "\(what): \(String(cString: strerror(errno)))")
    }

    /// The whole file.
    func readAll() -> Result<[UInt8], RecordIssue> {
        var bytes: [UInt8] = []
        while let piece = try? readBlock() { bytes += piece }
        if let error = lastError { return .failure(error) }
        return .success(bytes)
    }

    /// The next piece of whole lines, or nil at the end of the file.
    func nextChunk() -> Result<Chunk?, RecordIssue> {
        while !atEnd {
            guard let block = try? readBlock() else {
                if let error = lastError { return .failure(error) }
                atEnd = true
                break
            }
            carry += block
            guard carry.count >= Self.chunkSize, let lastBreak = carry.lastIndex(of: 0x0A) else { continue }
            let bytes = Array(carry[...lastBreak])
            carry.removeSubrange(...lastBreak)
            return .success(emit(bytes))
        }
        guard !carry.isEmpty else { return .success(nil) }
        let bytes = carry
        carry = []
        return .success(emit(bytes))
    }

    private func emit(_ bytes: [UInt8]) -> Chunk {
        let chunk = Chunk(bytes: bytes, firstLine: nextLine)
        nextLine += bytes.reduce(0) { $1 == 0x0A ? $0 + 1 : $0 }
        return chunk
    }

    private var lastError: RecordIssue?

    private struct EndOfFile: Error {}

    /// Up to `chunkSize` bytes; throws at the end of the file or on an error (then `lastError`).
    private func readBlock() throws -> [UInt8] {
        var block = [UInt8](repeating: 0, count: Self.chunkSize)
        while true {
            let count = block.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                lastError = Self.unreadable("cannot read '\(path)'")
                throw EndOfFile()
            }
            if count == 0 { throw EndOfFile() }
            block.removeSubrange(count...)
            return block
        }
    }
}

extension ParsedFile {
    /// Moves line numbers on by `offset` (a piece that starts further into its file).
    mutating func shiftLines(by offset: Int) {
        guard offset != 0 else { return }
        for index in entries.indices {
            switch entries[index] {
            case .record(var record):
                record.line += offset
                entries[index] = .record(record)
            case .rejected(var rejected):
                rejected.issue.line += offset
                entries[index] = .rejected(rejected)
            }
        }
    }
}
