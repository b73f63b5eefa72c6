import Glibc

/// A failed system call on a path: `Failed to rename 'a' to 'b': File exists`.
public struct SystemCallError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What was attempted, as a phrase: `rename 'a' to 'b'`, `open 'x'`.
    public var operation: String
    public var errno: Int32

    public init(_ operation: String, errno: Int32) {
        self.operation = operation
        self.errno = errno
    }

    /// The calling thread's current `errno`.
    static func last(_ operation: String) -> SystemCallError {
        SystemCallError(operation, errno: Glibc.errno)
    }

    public var description: String {
        "Failed to \(operation): \(SystemCallError.text(errno))"
    }

    /// `strerror` text for an errno value.
    public static func text(_ errno: Int32) -> String {
        String(cString: strerror(errno))
    }
}
