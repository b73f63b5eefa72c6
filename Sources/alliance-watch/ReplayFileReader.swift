import AllianceCore
import AllianceDaemon
import Glibc

/// Reads a JSON-lines file named on the command line for `replay` in pieces that end at a line
/// break, so that memory stays flat however large the file is. It opens regular files only,
/// as the spool does (`SpoolFiles.openRegularFile`); other formats are read whole with
/// `SpoolFiles.readRegularFile`.
final class ReplayFileReader {
    /// Bytes per piece; a piece is extended to the next line break.
    static let chunkSize = 1 << 19

    private let descriptor: Int32
    private let path: String
    /// Read storage, reused for every piece: bytes `0..<filled` are read and not yet handed out.
    private var storage = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: 2 * chunkSize)
    private var filled = 0
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

    deinit {
        close(descriptor)
        storage.deallocate()
    }

    static func open(path: String) -> Result<ReplayFileReader, RecordIssue> {
        switch SpoolFiles.openRegularFile(atPath: path) {
        case .opened(let descriptor, _): return .success(ReplayFileReader(descriptor: descriptor, path: path))
        case .notOpened(let result): return .failure(issue(result, path: path))
        }
    }

    /// The file-level issue for a file that could not be read (`unreadable`, `not-a-regular-file`).
    static func issue(_ result: SpoolReadResult, path: String) -> RecordIssue {
        switch result {
        case let .rejected(reason, message): return RecordIssue(line: 0, reason: reason, message: "'\(path)': \(message)")
        case .vanished, .contents: return RecordIssue(line: 0, reason: .unreadable, message: "'\(path)': no such file")
        }
    }

    /// The next piece of whole lines, nil at the end of the file.
    func nextChunk() -> Result<Chunk?, RecordIssue> {
        while true {
            // A piece ends at the last line break once a piece's worth is read, or at the end.
            if filled >= Self.chunkSize || atEnd {
                let whole = UnsafeBufferPointer(rebasing: storage[..<filled])
                if let lastBreak = whole.lastIndex(of: 0x0A) { return .success(emit(upTo: lastBreak + 1)) }
                if atEnd { return .success(filled == 0 ? nil : emit(upTo: filled)) }
            }
            if filled == storage.count {
                // One line longer than the storage: double it.
                let larger = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: 2 * storage.count)
                _ = larger.initialize(from: storage)
                storage.deallocate()
                storage = larger
            }
            switch readMore() {
            case .failure(let issue): return .failure(issue)
            case .success(0): atEnd = true
            case .success: continue
            }
        }
    }

    /// Hands out `storage[..<end]` and moves what follows to the front.
    private func emit(upTo end: Int) -> Chunk {
        let piece = UnsafeBufferPointer(rebasing: storage[..<end])
        let chunk = Chunk(bytes: Array(piece), firstLine: nextLine)
        nextLine += ByteSearch.lineBreakCount(in: piece)
        let rest = filled - end
        if rest > 0 { storage.baseAddress!.update(from: storage.baseAddress! + end, count: rest) }
        filled = rest
        return chunk
    }

    /// Reads into the free part of `storage`; the count read, 0 at the end of the file.
    private func readMore() -> Result<Int, RecordIssue> {
        while true {
            let count = Glibc.read(descriptor, storage.baseAddress! + filled, storage.count - filled)
            if count < 0 {
                if errno == EINTR { continue }
                let message = "cannot read '\(path)': \(String(cString: strerror(errno)))"
                return .failure(RecordIssue(line: 0, reason: .unreadable, message: message))
            }
            filled += count
            return .success(count)
        }
    }
}
