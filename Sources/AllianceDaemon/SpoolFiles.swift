import AllianceCore
import Glibc

/// The file operations of the spool protocol (SPEC §2): create the folders, read a file from
/// `incoming/` safely, place it in `processed/` or `rejected/` without ever overwriting, and
/// clean up `processed/`.
///
/// Names are plain file names in `incoming/` (no `/`), as `SpoolWatcher` reports them.
public struct SpoolFiles: Sendable {
    public var layout: SpoolLayout

    public init(layout: SpoolLayout) {
        self.layout = layout
    }

    /// Creates the spool folder and any of its four folders that is missing (in production the
    /// tmpfiles.d entry creates them with their owners). Modes follow
    /// `systemd/alliance-watch.tmpfiles` without its setgid and sticky bits: the spool 0750,
    /// `tmp/` and `incoming/` 0770, `processed/` and `rejected/` 0700 (less the umask).
    public func createFolders() throws(SystemCallError) {
        try Self.createFolder(layout.root, mode: 0o750, parents: true)
        try Self.createFolder(layout.tmp, mode: 0o770)
        try Self.createFolder(layout.incoming, mode: 0o770)
        try Self.createFolder(layout.processed, mode: 0o700)
        try Self.createFolder(layout.rejected, mode: 0o700)
    }

    /// Reads `incoming/NAME` (see `readRegularFile`).
    public func read(_ name: String, maxBytes: Int) -> SpoolReadResult {
        guard Self.isPlainName(name) else {
            return .rejected(reason: .unreadable, message: "not a file name in incoming/")
        }
        return Self.readRegularFile(atPath: layout.incoming + "/" + name, maxBytes: maxBytes)
    }

    /// A name that stays inside its folder: not empty, `.` or `..`, and without `/`.
    static func isPlainName(_ name: String) -> Bool {
        !name.isEmpty && name != "." && name != ".." && !name.contains("/")
    }

    /// What `openRegularFile` gave: an open descriptor (the caller closes it) and the size, or
    /// why the entry was not opened, in the form of `readRegularFile`'s result.
    public enum RegularFileOpening {
        case opened(descriptor: Int32, size: Int)
        case notOpened(SpoolReadResult)
    }

    /// Opens `path` only if it is a regular file: examined with `lstat` first, so a symbolic
    /// link is never followed and a FIFO or device is never opened; then opened with
    /// `O_RDONLY|O_NOFOLLOW|O_NONBLOCK|O_CLOEXEC` and checked again with `fstat`, in case it was
    /// swapped in between (`O_NONBLOCK` keeps even that case from blocking on a FIFO).
    public static func openRegularFile(atPath path: String) -> RegularFileOpening {
        var status = stat()
        guard lstat(path, &status) == 0 else {
            if errno == ENOENT { return .notOpened(.vanished) }
            return .notOpened(.rejected(reason: .unreadable, message: "cannot examine: \(SystemCallError.text(errno))"))
        }
        if let rejection = rejection(forType: status.st_mode) { return .notOpened(rejection) }

        let descriptor = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else {
            switch errno {
            case ENOENT: return .notOpened(.vanished)
            case ELOOP: return .notOpened(.rejected(reason: .notARegularFile, message: "not a regular file but a symbolic link"))
            case ENXIO: return .notOpened(.rejected(reason: .notARegularFile, message: "not a regular file but a socket"))
            default: return .notOpened(.rejected(reason: .unreadable, message: "cannot open: \(SystemCallError.text(errno))"))
            }
        }
        guard fstat(descriptor, &status) == 0 else {
            let error = errno
            close(descriptor)
            return .notOpened(.rejected(reason: .unreadable, message: "cannot examine: \(SystemCallError.text(error))"))
        }
        if let rejection = rejection(forType: status.st_mode) {
            close(descriptor)
            return .notOpened(rejection)
        }
        return .opened(descriptor: descriptor, size: Int(status.st_size))
    }

    /// Reads a file only if it is a regular file (`openRegularFile`) no larger than `maxBytes`
    /// (nil: no limit, as for `replay`). A file larger than the limit is not read; one that
    /// grows past it while being read is rejected.
    public static func readRegularFile(atPath path: String, maxBytes: Int?) -> SpoolReadResult {
        let descriptor: Int32
        let size: Int
        switch openRegularFile(atPath: path) {
        case .notOpened(let result): return result
        case let .opened(opened, openedSize):
            descriptor = opened
            size = openedSize
        }
        defer { close(descriptor) }
        if let maxBytes, size > maxBytes { return tooLarge(size: size, exact: true, maxBytes: maxBytes) }

        // One byte beyond the expected size reveals a file that is still growing.
        let limit = maxBytes.map { $0 + 1 } ?? Int.max
        var contents: [UInt8] = []
        contents.reserveCapacity(min(size + 1, limit))
        var chunk = [UInt8](repeating: 0, count: min(max(size + 1, 4096), 1 << 20))
        while contents.count < limit {
            let wanted = min(chunk.count, limit - contents.count)
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, wanted) }
            if count < 0 {
                if errno == EINTR { continue }
                return .rejected(reason: .unreadable, message: "cannot read: \(SystemCallError.text(errno))")
            }
            if count == 0 { break }
            contents.append(contentsOf: chunk[0..<count])
        }
        if let maxBytes, contents.count > maxBytes { return tooLarge(size: contents.count, exact: false, maxBytes: maxBytes) }
        return .contents(contents)
    }

    private static func rejection(forType mode: mode_t) -> SpoolReadResult? {
        let kind: String
        switch mode & S_IFMT {
        case S_IFREG: return nil
        case S_IFLNK: kind = "a symbolic link"
        case S_IFDIR: kind = "a directory"
        case S_IFIFO: kind = "a FIFO"
        case S_IFCHR: kind = "a character device"
        case S_IFBLK: kind = "a block device"
        case S_IFSOCK: kind = "a socket"
        default: kind = "an entry of unknown type"
        }
        return .rejected(reason: .notARegularFile, message: "not a regular file but \(kind)")
    }

    /// `exact` is false when the file grew while being read and only its first bytes were read.
    private static func tooLarge(size: Int, exact: Bool, maxBytes: Int) -> SpoolReadResult {
        let atLeast = exact ? "" : "at least "
        return .rejected(reason: .tooLarge, message: "\(atLeast)\(size) bytes, more than spool.max_file_bytes (\(maxBytes))")
    }

    static func createFolder(_ path: String, mode: mode_t, parents: Bool = false) throws(SystemCallError) {
        if mkdir(path, mode) == 0 { return }
        let error = errno
        if error == ENOENT && parents {
            let parent = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)])
            if !parent.isEmpty {
                try createFolder(parent, mode: 0o755, parents: true)
                return try createFolder(path, mode: mode)
            }
        }
        var status = stat()
        if error == EEXIST, stat(path, &status) == 0 {
            if (status.st_mode & S_IFMT) == S_IFDIR { return }
            throw SystemCallError("create folder '\(path)'", errno: ENOTDIR)
        }
        throw SystemCallError("create folder '\(path)'", errno: error)
    }
}

/// What reading a spool file gave.
public enum SpoolReadResult: Hashable, Sendable {
    case contents([UInt8])
    /// Not read: `notARegularFile`, `tooLarge` or `unreadable`, with a phrase that reads well
    /// after `Failed to ingest 'NAME': ` (`not a regular file but a FIFO`).
    case rejected(reason: RejectionReason, message: String)
    /// No such file any more (already handled, or moved away by someone else).
    case vanished
}
