import AllianceCore
import Glibc

/// Reads a file named on the command line for `replay`: regular files only (a symbolic link,
/// device or FIFO is `not-a-regular-file` and never followed or opened), no size limit.
enum ReplayFileReader {
    static func read(path: String) -> Result<[UInt8], RecordIssue> {
        var info = stat()
        guard lstat(path, &info) == 0 else {
            return .failure(RecordIssue(line: 0, reason: .unreadable, message: "cannot open '\(path)': \(String(cString: strerror(errno)))"))
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            return .failure(RecordIssue(line: 0, reason: .notARegularFile, message: "'\(path)' is not a regular file"))
        }
        let descriptor = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else {
            return .failure(RecordIssue(line: 0, reason: .unreadable, message: "cannot open '\(path)': \(String(cString: strerror(errno)))"))
        }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Int(info.st_size))
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return .failure(RecordIssue(line: 0, reason: .unreadable, message: "cannot read '\(path)': \(String(cString: strerror(errno)))"))
            }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
        }
        return .success(bytes)
    }
}
