import AllianceCore
import AllianceDaemon
import Foundation

extension TemporaryDirectory {
    var database: String { path + "/state.sqlite" }
}

/// Builds session records and ingests them through the engine into a store, one transaction per
/// call, the way the daemon does.
struct StoreFeeder {
    let store: StateStore
    var engine = AllianceEngine(settings: Settings())
    var line = 0

    init(_ store: StateStore) { self.store = store }

    /// A client whose latest record, dated `day`, raised a warning: a lapse counts from `day`.
    static func client(_ name: String, lapseFrom day: CalendarDate) -> ClientState {
        var state = ClientState(client: name)
        state.latest = LatestSession(
            date: day, episode: "1", session: 1, clinician: nil, recordID: "\(name)/1/1", source: "a.jsonl",
            episodeEnd: false, alertPriority: .warning
        )
        return state
    }

    static func srs(_ total: Double) -> SRSRatings {
        let quarter = total / 4
        return SRSRatings(relationship: quarter, goals: quarter, approach: quarter, overall: quarter)
    }

    static func day(_ offset: Int) -> CalendarDate { CalendarDate(year: 2026, month: 1, day: 5)!.adding(days: offset) }

    /// Ingests the records in one transaction; returns each record's alerts (rule(priority)).
    @discardableResult
    mutating func ingest(_ records: [SessionRecord]) throws -> [[String]] {
        var origins: [RecordOrigin] = []
        for _ in records {
            line += 1
            origins.append(RecordOrigin(source: "test.jsonl", line: line))
        }
        let engine = self.engine
        let ingested = try store.write { transaction in
            try zip(records, origins).map { record, origin in
                try transaction.ingest(.session(record), canonical: record.canonicalJSON, origin: origin, engine: engine)
            }
        }
        return ingested.map { result in
            guard case .stored(let alerts, _) = result.outcome else { return ["(not stored)"] }
            return alerts.map { "\($0.rule.rawValue)(\($0.priority.name))" }
        }
    }

    @discardableResult
    mutating func ingest(_ record: SessionRecord) throws -> [String] { try ingest([record])[0] }
}
