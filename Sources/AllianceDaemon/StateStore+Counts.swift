import GRDB

extension StateStore {
    /// Row counts, read from the counters the schema's triggers keep in the writing transactions,
    /// so the cost does not grow with the database.
    public func counts() throws -> StoreCounts {
        try database.read { db in
            var values: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT name, value FROM meta") {
                values[row["name"]] = row["value"]
            }
            return StoreCounts(
                sessions: values["sessions"] ?? 0, clients: values["clients"] ?? 0,
                alerts: values["alerts"] ?? 0, unsent: values["unsent"] ?? 0
            )
        }
    }

    /// The same counts by scanning the tables: for tests and the benchmark, not for the daemon.
    public func countsByScanning() throws -> StoreCounts {
        try database.read { db in
            let row = try Row.fetchOne(db, sql: """
                SELECT (SELECT COUNT(*) FROM sessions) AS sessions, (SELECT COUNT(*) FROM clients) AS clients,
                       (SELECT COUNT(*) FROM alerts) AS alerts,
                       (SELECT COUNT(*) FROM alerts WHERE sent_at IS NULL) AS unsent
                """)!
            return StoreCounts(sessions: row["sessions"], clients: row["clients"], alerts: row["alerts"], unsent: row["unsent"])
        }
    }
}
