/// The allowed values of a numeric key (SPEC §7), and how a violation reads.
enum ValueRange: Sendable {
    /// lower ≤ x ≤ upper
    case closed(Double, Double)
    /// x ≥ lower
    case atLeast(Double)
    /// x > lower
    case greaterThan(Double)
    /// x < upper
    case lessThan(Double)
    /// lower ≤ x < upper
    case atLeastAndLessThan(Double, Double)

    /// Written so that NaN is never contained.
    func contains(_ value: Double) -> Bool {
        switch self {
        case .closed(let lower, let upper): return value >= lower && value <= upper
        case .atLeast(let lower): return value >= lower
        case .greaterThan(let lower): return value > lower
        case .lessThan(let upper): return value < upper
        case .atLeastAndLessThan(let lower, let upper): return value >= lower && value < upper
        }
    }

    /// The message for `shownValue`, the value as the diagnostic shows it, lying outside.
    func violation(by shownValue: String) -> String {
        switch self {
        case .closed(let lower, let upper):
            return "\(shownValue) is out of range \(Self.format(lower))…\(Self.format(upper))"
        case .atLeast(let lower):
            return "\(shownValue) must be at least \(Self.format(lower))"
        case .greaterThan(let lower):
            return "\(shownValue) must be greater than \(Self.format(lower))"
        case .lessThan(let upper):
            return "\(shownValue) must be less than \(Self.format(upper))"
        case .atLeastAndLessThan(let lower, let upper):
            return "\(shownValue) must be at least \(Self.format(lower)) and less than \(Self.format(upper))"
        }
    }

    /// Bounds as a person writes them: `40`, not `40.0`.
    private static func format(_ bound: Double) -> String {
        if bound == bound.rounded(), abs(bound) < 1e15 { return String(Int(bound)) }
        return String(bound)
    }
}
