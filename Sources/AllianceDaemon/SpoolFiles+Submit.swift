import AllianceCore
import Glibc

extension SpoolFiles {
    /// Drops a file into the spool as a writer must (SPEC §2): written and fsynced in `tmp/`
    /// under a dot-name, then renamed into `incoming/` without replacing anything (a clash gets
    /// `NAME.1.EXT`, `NAME.2.EXT`, …, keeping the extension). Group-readable (0640) so that the
    /// daemon can read it through the setgid spool's group. Returns the name in `incoming/`.
    public func submit(name: String, bytes: [UInt8]) throws(SystemCallError) -> String {
        let temporary = layout.tmp + "/.\(name).\(getpid()).\(UInt32.random(in: 0...UInt32.max))"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o640)
        guard descriptor >= 0 else { throw SystemCallError.last("create '\(temporary)'") }
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                let error = SystemCallError.last("write '\(temporary)'")
                close(descriptor)
                unlink(temporary)
                throw error
            }
            written += count
        }
        _ = fchmod(descriptor, 0o640)  // the umask may have narrowed it
        guard fsync(descriptor) == 0 else {
            let error = SystemCallError.last("sync '\(temporary)'")
            close(descriptor)
            unlink(temporary)
            throw error
        }
        close(descriptor)

        let (stem, suffix) = Self.splitExtension(name)
        var attempt = 0
        while true {
            let candidate = attempt == 0 ? name : "\(stem).\(attempt)\(suffix)"
            do {
                if try NoReplaceRename.rename(temporary, to: layout.incoming + "/" + candidate) { return candidate }
            } catch {
                unlink(temporary)
                throw error
            }
            attempt += 1
        }
    }

    /// `week.jsonl` → (`week`, `.jsonl`); a name without a dot has no extension.
    static func splitExtension(_ name: String) -> (stem: Substring, suffix: Substring) {
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return (name[...], "") }
        return (name[..<dot], name[dot...])
    }
}
