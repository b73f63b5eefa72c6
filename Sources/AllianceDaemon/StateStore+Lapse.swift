import AllianceCore
import GRDB

extension StateStore {
    /// Clients for which `AllianceEngine.checkLapse` may fire on `day` under `lapse`: those
    /// whose latest record, stored with its date as the lapse anchor, is between `lapse.days`
    /// and `lapse.max_days` days before it. The settings are applied here, at the check, so a
    /// reload or restart with other lapse settings applies to every stored client.
    public func lapseCandidates(on day: CalendarDate, lapse: Settings.Lapse) throws -> [String] {
        try database.read { db in try StateStore.lapseCandidates(db, on: day, lapse: lapse) }
    }

    static func lapseCandidates(_ db: Database, on day: CalendarDate, lapse: Settings.Lapse) throws -> [String] {
        guard lapse.days <= lapse.maxDays else { return [] }
        return try String.fetchAll(db.cachedStatement(sql: """
            SELECT client FROM clients
            WHERE lapse_anchor IS NOT NULL AND lapse_anchor >= ? AND lapse_anchor <= ?
            ORDER BY client
            """), arguments: [day.dayNumber - lapse.maxDays, day.dayNumber - lapse.days])
    }
}

extension StoreTransaction {
    /// `StateStore.lapseCandidates(on:lapse:)` inside this transaction, for a lapse check that
    /// loads, checks and saves the candidates in the same transaction.
    public func lapseCandidates(on day: CalendarDate, lapse: Settings.Lapse) throws -> [String] {
        try writeSavedStates()
        return try StateStore.lapseCandidates(db, on: day, lapse: lapse)
    }
}
