import Glibc

extension SpoolFiles {
    /// Deletes the files in `processed/` that were placed there at least `keepDays` days before
    /// `now` (seconds since the Unix epoch); `keepDays` 0 deletes them all. Returns their names.
    ///
    /// The age is taken from the status change time (`ctime`), which the rename into
    /// `processed/` sets, not from the modification time: a file written long ago and ingested
    /// today must stay `keepDays` days. Dot-files and anything but regular files are left alone.
    @discardableResult
    public func deleteProcessed(keepDays: Int, now: Int = SpoolFiles.wallClockSeconds()) throws(SystemCallError) -> [String] {
        let folder = layout.processed
        guard let stream = opendir(folder) else { throw SystemCallError.last("open '\(folder)'") }
        defer { closedir(stream) }
        let descriptor = dirfd(stream)
        let cutoff = now - keepDays * 86_400
        var deleted: [String] = []
        while true {
            errno = 0
            guard let entry = readdir(stream) else {
                if errno != 0 { throw SystemCallError.last("read '\(folder)'") }
                break
            }
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name.hasPrefix(".") { continue }
            var status = stat()
            guard fstatat(descriptor, name, &status, AT_SYMLINK_NOFOLLOW) == 0,
                  (status.st_mode & S_IFMT) == S_IFREG, status.st_ctim.tv_sec <= cutoff else { continue }
            guard unlinkat(descriptor, name, 0) == 0 else {
                if errno == ENOENT { continue }
                throw SystemCallError.last("remove '\(folder)/\(name)'")
            }
            deleted.append(name)
        }
        return deleted.sorted()
    }

    /// The wall clock in whole seconds since the Unix epoch.
    public static func wallClockSeconds() -> Int {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return now.tv_sec
    }
}
