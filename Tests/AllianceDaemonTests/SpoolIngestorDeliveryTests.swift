import AllianceCore
import Synchronization
import Testing
@testable import AllianceDaemon

/// SPEC §6.4: after a crash, only the alerts "in flight" may be written to the journal twice,
/// that is, those written but not yet marked sent. A sink that looks at the store at each send
/// sees how many that would be if the process died right there.
@Suite struct SpoolIngestorDeliveryTests {
    /// Counts, at every send, the alerts written so far that the store does not yet have as
    /// sent.
    final class InFlightProbe: JournalSink {
        let store: StateStore
        let queued: Int
        private let state = Mutex<(sent: Int, mostInFlight: Int)>((0, 0))

        init(store: StateStore, queued: Int) {
            self.store = store
            self.queued = queued
        }

        func send(_ fields: [JournalField]) -> JournalSendResult {
            let marked = queued - ((try? store.counts().unsent) ?? queued)
            state.withLock { value in
                value.sent += 1
                value.mostInFlight = max(value.mostInFlight, value.sent - marked)
            }
            return .sentToJournal
        }

        var sent: Int { state.withLock { $0.sent } }
        var mostInFlight: Int { state.withLock { $0.mostInFlight } }
    }

    @Test func atMostAFewAlertsAreWrittenButNotYetMarkedSent() throws {
        let directory = try TemporaryDirectory()
        let store = try StateStore.inMemory()
        let queued = 300
        try store.write { transaction in
            _ = try transaction.enqueue((1...queued).map { StateStoreTests.alert(.dip, key: "dip/C-1/1/srs/\($0)", session: $0) })
        }
        let probe = InFlightProbe(store: store, queued: queued)
        let ingestor = SpoolIngestor(
            files: SpoolFiles(layout: SpoolLayout(root: directory.path)), store: store, journal: probe, settings: Settings())

        try ingestor.deliverQueuedAlerts()

        #expect(probe.sent == queued)
        #expect(try store.counts().unsent == 0)
        #expect(ingestor.counters.alertsDelivered == queued)
        #expect(probe.mostInFlight <= SpoolIngestor.deliveryGroupSize, "\(probe.mostInFlight) alerts written but not marked sent")
    }
}
