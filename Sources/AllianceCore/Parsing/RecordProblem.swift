/// A rule of SPEC §3 that a record breaks, before it is given the line it came from.
struct RecordProblem: Error, Hashable {
    var reason: RejectionReason
    /// Dotted field path with 0-based indexes, or nil.
    var field: String?
    var message: String

    func issue(line: Int) -> RecordIssue {
        RecordIssue(line: line, reason: reason, field: field, message: message)
    }
}
