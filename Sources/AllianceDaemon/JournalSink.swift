import AllianceCore

/// Where journal entries go: the systemd journal in production, a recording in tests.
public protocol JournalSink: Sendable {
    /// Writes one entry. The result says truthfully where it went; an entry that was dropped
    /// is never reported as sent.
    func send(_ fields: [JournalField]) -> JournalSendResult

    /// From now on, a send that would have to wait for the journal gives up instead (the
    /// entry is reported `.failed`), so that a stop request is not held up by a stalled
    /// journald. Sinks that never wait need not implement it.
    func stopWaiting()
}

/// What became of one journal entry.
public enum JournalSendResult: Hashable, Sendable {
    /// journald accepted it on its socket.
    case sentToJournal
    /// No journal socket exists: the entry was written to standard error as its SPEC §6.3
    /// fallback line (`PRIORITY <rule|event> MESSAGE | KEY=value …`).
    case wroteToStandardError
    /// It went nowhere; `errno` says why (`ECONNREFUSED`: the socket exists but journald is
    /// gone; `EINVAL`: a field name journald would drop; `ECANCELED`: journald was stalled and
    /// `stopWaiting()` was called). Keep it and try again later.
    case failed(errno: Int32)

    /// Whether the entry reached a log a person can read (the journal or standard error).
    public var isDelivered: Bool {
        switch self {
        case .sentToJournal, .wroteToStandardError: return true
        case .failed: return false
        }
    }
}

extension JournalSink {
    public func stopWaiting() {}

    /// Writes an operational event (SPEC §6.3).
    @discardableResult
    public func send(_ event: OperationalEvent) -> JournalSendResult { send(event.journalFields) }

    /// Writes an alert (SPEC §6.1).
    @discardableResult
    public func send(_ alert: Alert) -> JournalSendResult { send(alert.journalFields) }
}
