import Glibc

/// `rename(2)` that never replaces an existing name.
///
/// It is `renameat2(…, RENAME_NOREPLACE)`: atomic, and it moves symbolic links, FIFOs and
/// folders as themselves. Swift's Glibc module does not declare `renameat2` (it needs
/// `_GNU_SOURCE`) and `syscall(2)` is variadic, so the glibc symbol (glibc ≥ 2.28) is looked up
/// once at run time. Where it is missing or the file system does not support the flag
/// (`EINVAL`), `link(2)` + `unlink(2)` does the same for everything but folders; a crash between
/// the two leaves the file under both names, never under neither.
enum NoReplaceRename {
    private typealias Renameat2 = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32

    private static let renameat2: Renameat2? = {
        guard let handle = dlopen(nil, RTLD_NOW), let symbol = dlsym(handle, "renameat2") else { return nil }
        return unsafeBitCast(symbol, to: Renameat2.self)
    }()

    private static let renameNoReplace: UInt32 = 1  // RENAME_NOREPLACE, <linux/fs.h>

    /// Moves `source` to `destination`. Returns false, and changes nothing, when `destination`
    /// exists.
    static func rename(_ source: String, to destination: String, allowRenameat2: Bool = true) throws(SystemCallError) -> Bool {
        if allowRenameat2, let renameat2 {
            if renameat2(AT_FDCWD, source, AT_FDCWD, destination, renameNoReplace) == 0 { return true }
            switch errno {
            case EEXIST: return false
            case EINVAL, ENOSYS: break  // flag unsupported here: fall back to link + unlink
            default: throw SystemCallError.last("rename '\(source)' to '\(destination)'")
            }
        }
        // linkat without AT_SYMLINK_FOLLOW links a symbolic link itself, never its target.
        guard linkat(AT_FDCWD, source, AT_FDCWD, destination, 0) == 0 else {
            if errno == EEXIST { return false }
            throw SystemCallError.last("link '\(source)' to '\(destination)'")
        }
        guard unlink(source) == 0 else { throw SystemCallError.last("remove '\(source)'") }
        return true
    }
}
