import AllianceCore
import GRDB

extension StateStore {
    /// Composes the digest of `query.day` unless it was composed before (SPEC §6.5: at most once
    /// per clinician and day, also across restarts), in one transaction with the attention list
    /// it is made from. Returns whether it composed it now.
    @discardableResult
    public func composeDigest(_ query: AttentionQuery, risk: Settings.Risk) throws -> Bool {
        try write { transaction in
            let db = transaction.db
            let day = query.day.description
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM digest_days WHERE day = ?", arguments: [day]) == nil else { return false }
            let items = try StateStore.attentionList(db, query, risk: risk)
            let insert = try db.makeStatement(sql: "INSERT INTO digests (day, clinician, clients, message) VALUES (?, ?, ?, ?)")
            for event in CaseloadReport(items: items, query: query).digestEvents() {
                guard case let .digest(clinician, clients, message) = event else { continue }
                try insert.execute(arguments: [day, clinician ?? "", clients.joined(separator: " "), message])
            }
            try db.execute(sql: "INSERT INTO digest_days (day) VALUES (?)", arguments: [day])
            return true
        }
    }

    /// The digest entries of `day` composed but not yet taken by journald, by clinician.
    public func unsentDigests(day: CalendarDate) throws -> [(clinician: String, event: OperationalEvent)] {
        try database.read { db in
            try Row.fetchAll(db, sql: """
                SELECT clinician, clients, message FROM digests WHERE day = ? AND sent_at IS NULL ORDER BY rowid
                """, arguments: [day.description]).map { row in
                let clinician: String = row["clinician"]
                let clients: String = row["clients"]
                let event = OperationalEvent.digest(
                    clinician: clinician.isEmpty ? nil : clinician,
                    clients: clients.split(separator: " ").map(String.init), message: row["message"]
                )
                return (clinician, event)
            }
        }
    }

    /// Marks the digest entry of `day` and `clinician` as taken by journald.
    public func markDigestSent(day: CalendarDate, clinician: String) throws {
        try database.write { db in
            try db.execute(sql: """
                UPDATE digests SET sent_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE day = ? AND clinician = ?
                """, arguments: [day.description, clinician])
        }
    }
}
