import AllianceCore
import AllianceDaemon
import Glibc

/// Reads a JSON-lines file named on the command line for `replay` in pieces that end at a line
/// break, so that memory stays flat however large the file is. It opens regular files only,
/// as the spool does (`SpoolFiles.openRegularFile`); other formats are read whole with
/// `SpoolFiles.readRegularFile`.
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
        while !atEnd {
            switch readBlock() {
            case .failure(let issue): return .failure(issue)
            case .success(nil): atEnd = true
            case .success(let block?):
                carry += block
                guard carry.count >= Self.chunkSize, let lastBreak = carry.lastIndex(of: 0x0A) else { continue }
                let bytes = Array(carry[...lastBreak])
                carry.removeSubrange(...lastBreak)
                return .success(emit(bytes))
            }
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

    /// Up to `chunkSize` bytes; nil at the end of the file.
    private func readBlock() -> Result<[UInt8]?, RecordIssue> {
        var block = [UInt8](repeating: 0, count: Self.chunkSize)
        while true {
            let count = block.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                let message = "cannot read '\(path)': \(String(cString: strerror(errno)))"
                return .failure(RecordIssue(line: 0, reason: .unreadable, message: message))
            }
            if count == 0 { return .success(nil) }
            block.removeSubrange(count...)
            return .success(block)
        }
    }
}
