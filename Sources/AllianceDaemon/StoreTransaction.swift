import AllianceCore
import Foundation
import GRDB

/// The changes of one `StateStore.write` transaction: load and save engine state, store session
/// records, queue alerts. Valid only inside the `write` body that received it.
///
/// Engine state is decoded at most once and encoded at most once per transaction: `client(_:)`
/// and `clinician(_:)` keep what they load or are given, and `save` writes it when the body
/// returns (a file of one client's twenty sessions costs one decode and one encode, not twenty).
/// Nothing is kept after the transaction.
public final class StoreTransaction {
    let db: Database
    private lazy var encoder = StoredJSON.makeEncoder()
    private lazy var decoder = StoredJSON.makeDecoder()

    /// Client states loaded or saved in this transaction; `.some(nil)` records "not stored".
    private var clients: [String: ClientState?] = [:]
    /// Clients saved in this transaction and the date their lapse counts from (nil: none).
    private var savedClients: [String: CalendarDate?] = [:]
    private var savedClientOrder: [String] = []
    private var clinicians: [String: ClinicianState?] = [:]
    private var savedClinicians: [String] = []
    private var savedClinicianNames: Set<String> = []

    init(_ db: Database) { self.db = db }

    // MARK: Engine state

    /// The state of `name` (as saved earlier in this transaction, or stored), or nil for a client
    /// never seen.
    public func client(_ name: String) throws -> ClientState? {
        if let known = clients[name] { return known }
        let statement = try db.cachedStatement(sql: "SELECT state FROM clients WHERE client = ?")
        let state = try Data.fetchOne(statement, arguments: [name]).map { try ClientStateCodec.decodeStored($0, client: name) }
        clients[name] = .some(state)
        return state
    }

    /// Stores `client` when the transaction's body returns, with the date `lapse` counts from
    /// (`client.latest?.lapseAnchor`; nil when no lapse can follow). The date, not a window of
    /// days, is stored so that the lapse settings in force when the check runs decide.
    public func save(_ client: ClientState) throws {
        clients[client.client] = .some(client)
        if savedClients.updateValue(client.latest?.lapseAnchor, forKey: client.client) == nil { savedClientOrder.append(client.client) }
    }

    /// The state of clinician `name` (as saved earlier in this transaction, or stored), or nil.
    public func clinician(_ name: String) throws -> ClinicianState? {
        if let known = clinicians[name] { return known }
        let statement = try db.cachedStatement(sql: "SELECT state FROM clinicians WHERE clinician = ?")
        let state = try String.fetchOne(statement, arguments: [name])
            .map { try decode(ClinicianState.self, $0, table: "clinicians", key: name) }
        clinicians[name] = .some(state)
        return state
    }

    /// Stores `clinician` when the transaction's body returns.
    public func save(_ clinician: ClinicianState) throws {
        clinicians[clinician.clinician] = .some(clinician)
        if savedClinicianNames.insert(clinician.clinician).inserted { savedClinicians.append(clinician.clinician) }
    }

    /// Writes the states saved so far. `StateStore.write` calls it after the body; queries that
    /// read the clients table call it first.
    func writeSavedStates() throws {
        if !savedClientOrder.isEmpty {
            let statement = try db.cachedStatement(sql: """
                INSERT INTO clients (client, state, lapse_anchor) VALUES (?, ?, ?)
                ON CONFLICT (client) DO UPDATE SET state = excluded.state, lapse_anchor = excluded.lapse_anchor
                """)
            for name in savedClientOrder {
                guard let state = clients[name] ?? nil, let anchor = savedClients[name] else { continue }
                try statement.execute(arguments: [name, Data(ClientStateCodec.encode(state)), anchor?.dayNumber])
            }
            savedClients.removeAll()
            savedClientOrder.removeAll()
        }
        if !savedClinicians.isEmpty {
            let statement = try db.cachedStatement(sql: """
                INSERT INTO clinicians (clinician, state) VALUES (?, ?)
                ON CONFLICT (clinician) DO UPDATE SET state = excluded.state
                """)
            for name in savedClinicians {
                guard let state = clinicians[name] ?? nil else { continue }
                try statement.execute(arguments: [name, try StoredJSON.text(state, encoder: encoder)])
            }
            savedClinicians.removeAll()
            savedClinicianNames.removeAll()
        }
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

    // MARK: Open ruptures

    /// Keeps the `open_ruptures` rows of `client`'s `episode` in step with its state after
    /// `session` was evaluated: a rupture open now and not before was opened by `session`.
    func updateOpenRuptures(client: String, episode: String, session: Int, before: EpisodeState?, after: EpisodeState?) throws {
        for instrument in Instrument.allCases {
            let wasOpen = before.map { (instrument == .srs ? $0.srs : $0.waiSR).rupture != nil } ?? false
            let isOpen = after.map { (instrument == .srs ? $0.srs : $0.waiSR).rupture != nil } ?? false
            guard wasOpen != isOpen else { continue }
            if isOpen {
                try db.cachedStatement(sql: """
                    INSERT INTO open_ruptures (client, episode, instrument, session) VALUES (?, ?, ?, ?)
                    ON CONFLICT DO UPDATE SET session = excluded.session
                    """).execute(arguments: [client, episode, instrument.rawValue, session])
            } else {
                try db.cachedStatement(sql: "DELETE FROM open_ruptures WHERE client = ? AND episode = ? AND instrument = ?")
                    .execute(arguments: [client, episode, instrument.rawValue])
            }
        }
    }

    // MARK: Outbox

    /// Queues `alerts` in order and returns their outbox ids. An alert whose key
    /// (`ALLIANCE_ALERT`) is already in the outbox, sent or not, is not queued again and has no
    /// id in the result (SPEC §6.4: no key is sent twice).
    @discardableResult
    public func enqueue(_ alerts: [Alert]) throws -> [Int64] {
        guard !alerts.isEmpty else { return [] }
        let statement = try db.cachedStatement(sql: """
            INSERT INTO alerts (key, rule, priority, client, episode, session, message, fields, date)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
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
                alert.value(of: "ALLIANCE_DATE"),
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
