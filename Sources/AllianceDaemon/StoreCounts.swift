/// What the state database holds, for the daemon's `STATUS=` line.
public struct StoreCounts: Hashable, Sendable {
    /// Stored session records (late ones included).
    public var sessions: Int
    /// Clients with stored state.
    public var clients: Int
    /// Alerts ever queued.
    public var alerts: Int
    /// Queued alerts not yet marked sent.
    public var unsent: Int

    public init(sessions: Int, clients: Int, alerts: Int, unsent: Int) {
        self.sessions = sessions
        self.clients = clients
        self.alerts = alerts
        self.unsent = unsent
    }
}
