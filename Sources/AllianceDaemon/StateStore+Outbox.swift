import AllianceCore
import Foundation
import GRDB

extension StateStore {
    /// Queued alerts not yet marked sent, oldest first, at most `limit` of them, rebuilt exactly as
    /// they were queued.
    public func unsentAlerts(limit: Int) throws -> [(id: Int64, alert: Alert)] {
        try database.read { db in
            let decoder = StoredJSON.makeDecoder()
            let rows = try Row.fetchAll(db, sql: """
                SELECT id, key, rule, priority, message, fields FROM alerts
                WHERE sent_at IS NULL ORDER BY id LIMIT ?
                """, arguments: [limit])
            return try rows.map { row in
                let id: Int64 = row["id"]
                return (id, try StateStore.alert(from: row, decoder: decoder))
            }
        }
    }

    /// Marks queued alerts as written to the journal, in one transaction. Unknown ids and ids
    /// already marked are left as they are.
    ///
    /// This commit is not fsynced (`synchronous = NORMAL` for it alone): in WAL mode it still
    /// survives a crash of the process, and a power loss can at worst make a restart write
    /// these alerts again, with the same `ALLIANCE_ALERT` keys. An fsync per small group of
    /// alerts would otherwise dominate a burst.
    public func markSent(_ ids: [Int64]) throws {
        guard !ids.isEmpty else { return }
        try database.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            defer { try? db.execute(sql: "PRAGMA synchronous = \(durability.rawValue)") }
            try db.inTransaction {
                let statement = try db.cachedStatement(sql: """
                    UPDATE alerts SET sent_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
                    WHERE id = ? AND sent_at IS NULL
                    """)
                for id in ids { try statement.execute(arguments: [id]) }
                return .commit
            }
        }
    }

    static func alert(from row: Row, decoder: JSONDecoder) throws -> Alert {
        let key: String = row["key"]
        let ruleName: String = row["rule"]
        let priorityValue: Int = row["priority"]
        guard let rule = RuleID(rawValue: ruleName) else {
            throw StateStoreError.corruptValue(table: "alerts", key: key, reason: "unknown rule '\(ruleName)'")
        }
        guard let priority = Priority(rawValue: priorityValue) else {
            throw StateStoreError.corruptValue(table: "alerts", key: key, reason: "unknown priority \(priorityValue)")
        }
        let fields: [JournalField]
        do {
            fields = try StoredJSON.fields(from: row["fields"], decoder: decoder)
        } catch {
            throw StateStoreError.corruptValue(table: "alerts", key: key, reason: "fields: \(error)")
        }
        return Alert(rule: rule, priority: priority, key: key, message: row["message"], fields: fields)
    }
}
