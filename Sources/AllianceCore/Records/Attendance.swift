/// Whether the client attended the session (SPEC §3.1 `attendance`).
public enum Attendance: String, Sendable, Codable, CaseIterable {
    case attended
    case noShow = "no-show"
    case cancelledClient = "cancelled-client"
    case cancelledService = "cancelled-service"
}
