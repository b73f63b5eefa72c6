/// Syslog priority of an alert or event (SPEC §5): err 3, warning 4, notice 5, info 6.
public enum Priority: Int, Sendable, Codable, Comparable, CaseIterable {
    case err = 3
    case warning = 4
    case notice = 5
    case info = 6

    /// The configuration spelling: `err`, `warning`, `notice`, `info`.
    public var name: String {
        switch self {
        case .err: return "err"
        case .warning: return "warning"
        case .notice: return "notice"
        case .info: return "info"
        }
    }

    public init?(name: String) {
        guard let match = Priority.allCases.first(where: { $0.name == name }) else { return nil }
        self = match
    }

    /// One level more severe, never above err.
    public var raised: Priority { Priority(rawValue: max(rawValue - 1, Priority.err.rawValue))! }

    /// The more severe of two priorities.
    public static func mostSevere(_ a: Priority, _ b: Priority) -> Priority { a.rawValue <= b.rawValue ? a : b }

    /// "More severe" orders first: err < warning in syslog numbers, so compare numbers.
    public static func < (lhs: Priority, rhs: Priority) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Whether this priority is `other` or more severe.
    public func isAtLeast(_ other: Priority) -> Bool { rawValue <= other.rawValue }
}
