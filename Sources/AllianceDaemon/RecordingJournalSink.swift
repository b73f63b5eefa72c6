import AllianceCore
import Synchronization

/// A `JournalSink` that keeps every entry in memory, for tests. It answers with a fixed result,
/// so a test can also play a journal that fails.
public final class RecordingJournalSink: JournalSink {
    private let state: Mutex<[[JournalField]]> = Mutex([])
    private let result: JournalSendResult

    public init(result: JournalSendResult = .sentToJournal) {
        self.result = result
    }

    public func send(_ fields: [JournalField]) -> JournalSendResult {
        state.withLock { $0.append(fields) }
        return result
    }

    /// Every entry sent so far, in order.
    public var entries: [[JournalField]] { state.withLock { $0 } }

    /// The value of `name` in each entry that has it, in order.
    public func values(of name: String) -> [String] {
        entries.compactMap { entry in entry.first { $0.name == name }?.value }
    }
}
