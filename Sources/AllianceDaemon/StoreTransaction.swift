import AllianceCore
import Foundation
import GRDB

/// The changes of one `StateStore.write` transaction: load and save engine state, store session
/// records, queue alerts. Valid only inside the `write` body that received it.
public final class StoreTransaction {
    let db: Database
    private lazy var encoder = StoredJSON.makeEncoder()
    private lazy var decoder = StoredJSON.makeDecoder()

    init(_ db: Database) { self.db = db }

    // MARK: Engine state

    /// The stored state of `name`, or nil for a client never seen.
    public func client(_ name: String) throws -> ClientState? {
        let statement = try db.cachedStatement(sql: "SELECT state FROM clients WHERE client = ?")
        guard let text = try String.fetchOne(statement, arguments: [name]) else { return nil }
        return try decode(ClientState.self, text, table: "clients", key: name)
    }

    /// Stores `client`, with the days between which `lapse` may fire for it
    /// (`client.latest?.lapseWindow(settings.lapse)`; nil when it cannot).
    public func save(_ client: ClientState, lapseWindow: ClosedRange<CalendarDate>?) throws {
        let statement = try db.cachedStatement(sql: """
            INSERT INTO clients (client, state, lapse_opens, lapse_closes) VALUES (?, ?, ?, ?)
            ON CONFLICT (client) DO UPDATE SET
                state = excluded.state, lapse_opens = excluded.lapse_opens, lapse_closes = excluded.lapse_closes
            """)
        try statement.execute(arguments: [
            client.client, try StoredJSON.text(client, encoder: encoder),
            lapseWindow?.lowerBound.dayNumber, lapseWindow?.upperBound.dayNumber,
        ])
    }

    /// The stored state of clinician `name`, or nil.
    public func clinician(_ name: String) throws -> ClinicianState? {
        let statement = try db.cachedStatement(sql: "SELECT state FROM clinicians WHERE clinician = ?")
        guard let text = try String.fetchOne(statement, arguments: [name]) else { return nil }
        return try decode(ClinicianState.self, text, table: "clinicians", key: name)
    }

    public func save(_ clinician: ClinicianState) throws {
        let statement = try db.cachedStatement(sql: """
            INSERT INTO clinicians (clinician, state) VALUES (?, ?)
            ON CONFLICT (clinician) DO UPDATE SET state = excluded.state
            """)
        try statement.execute(arguments: [clinician.clinician, try StoredJSON.text(clinician, encoder: encoder)])
    }

    // MARK: History of record

    /// Stores a session record the engine accepted (SPEC §3.1: late ones too). A second record for
    /// the same (client, episode, session) is an error: the engine reports duplicates and conflicts
    /// before anything is stored.
    public func insertSession(_ record: SessionRecord, canonical: String, origin: RecordOrigin, late: Bool) throws {
        let statement = try db.cachedStatement(sql: """
            INSERT INTO sessions (client, episode, session, record_id, clinician, date, attendance,
                                  srs, wai_sr, ors, source, line, canonical, late)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        try statement.execute(arguments: [
            record.client, record.episode, record.session, record.id, record.clinician,
            record.date.description, record.attendance.rawValue,
            record.srs?.total, record.waiSR?.score, record.ors?.total,
            origin.source, origin.line, canonical, late,
        ])
    }

    // MARK: Outbox

    /// Queues `alerts` in order and returns their outbox ids. An alert whose key
    /// (`ALLIANCE_ALERT`) is already in the outbox, sent or not, is not queued again and has no
    /// id in the result (SPEC §6.4: no key is sent twice).
    @discardableResult
    public func enqueue(_ alerts: [Alert]) throws -> [Int64] {
        guard !alerts.isEmpty else { return [] }
        let statement = try db.cachedStatement(sql: """
            INSERT INTO alerts (key, rule, priority, client, episode, session, message, fields)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (key) DO NOTHING
            """)
        var ids: [Int64] = []
        ids.reserveCapacity(alerts.count)
        for alert in alerts {
            try statement.execute(arguments: [
                alert.key, alert.rule.rawValue, alert.priority.rawValue,
                alert.value(of: "ALLIANCE_CLIENT"), alert.value(of: "ALLIANCE_EPISODE"),
                alert.value(of: "ALLIANCE_SESSION").flatMap { Int($0) },
                alert.message, try StoredJSON.fieldsText(alert.fields, encoder: encoder),
            ])
            if db.changesCount == 1 { ids.append(db.lastInsertedRowID) }
        }
        return ids
    }

    private func decode<T: Decodable>(_ type: T.Type, _ text: String, table: String, key: String) throws -> T {
        do {
            return try StoredJSON.value(type, from: text, decoder: decoder)
        } catch {
            throw StateStoreError.corruptValue(table: table, key: key, reason: "\(error)")
        }
    }
}
