import Synchronization

/// A `ServiceNotifier` that keeps every message, for tests.
public final class RecordingNotifier: ServiceNotifier {
    private let state: Mutex<[[ServiceNotification]]> = Mutex([])
    public let watchdogInterval: Duration?

    public init(watchdogInterval: Duration? = nil) {
        self.watchdogInterval = watchdogInterval
    }

    public func notify(_ notifications: [ServiceNotification]) -> ServiceNotifyResult {
        state.withLock { $0.append(notifications) }
        return .sent
    }

    /// Each message sent so far, in order.
    public var messages: [[ServiceNotification]] { state.withLock { $0 } }

    /// Every notification sent so far, flattened.
    public var notifications: [ServiceNotification] { messages.flatMap { $0 } }
}
