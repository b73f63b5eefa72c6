import AllianceCore
import GRDB

extension StateStore {
    /// Clients whose lapse window (as saved with their state) contains `day`, by name: those for
    /// which `AllianceEngine.checkLapse` may fire on that day.
    public func lapseCandidates(on day: CalendarDate) throws -> [String] {
        try database.read { db in try StateStore.lapseCandidates(db, on: day) }
    }

    static func lapseCandidates(_ db: Database, on day: CalendarDate) throws -> [String] {
        try String.fetchAll(db.cachedStatement(sql: """
            SELECT client FROM clients
            WHERE lapse_opens IS NOT NULL AND lapse_opens <= ? AND lapse_closes >= ?
            ORDER BY client
            """), arguments: [day.dayNumber, day.dayNumber])
    }
}

extension StoreTransaction {
    /// `StateStore.lapseCandidates(on:)` inside this transaction, for a lapse check that loads,
    /// checks and saves the candidates in the same transaction.
    public func lapseCandidates(on day: CalendarDate) throws -> [String] {
        try writeSavedStates()
        return try StateStore.lapseCandidates(db, on: day)
    }
}
