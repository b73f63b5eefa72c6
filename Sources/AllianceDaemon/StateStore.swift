import Foundation
import GRDB
import GRDBSQLite

/// The daemon's state in one SQLite file (SPEC §6.4): each client's and clinician's engine state,
/// the history of record, and the alert outbox.
///
/// Every method is synchronous and may be called from any thread or task; SQLite work runs on
/// GRDB's serial writer queue (writes) or a reader connection (reads), so a read never waits for
/// a write. Nothing is cached between transactions except SQLite's own page cache.
public final class StateStore: Sendable {
    /// How hard a commit is pushed to disk (`PRAGMA synchronous`, SQLite WAL mode).
    public enum Durability: String, Sendable, CaseIterable {
        /// The WAL is fsynced at every commit: a committed batch survives a process kill and a
        /// power loss, so files moved out of `incoming/` after a commit are never lost. The
        /// daemon's default: measured at about 0.2 ms per commit, lost in batches of 100 records.
        case full = "FULL"
        /// The WAL is fsynced only at checkpoints: a committed batch survives a process kill, but
        /// the last commits may be lost in a power loss (the file stays consistent).
        case normal = "NORMAL"
    }

    /// The database file (`":memory:"` for `inMemory()`).
    public let path: String
    let database: any DatabaseWriter

    /// The `synchronous` level of ingest commits (SPEC §6.4: they must outlive the process and,
    /// with FULL, a power loss, because the files leave `incoming/` after them).
    let durability: Durability

    private init(path: String, database: any DatabaseWriter, durability: Durability = .full) {
        self.path = path
        self.database = database
        self.durability = durability
    }

    /// Opens (creating when absent) the state database at `path` for the daemon, in WAL mode, and
    /// brings its schema up to date. The directory must exist; the caller creates it.
    public convenience init(path: String, durability: Durability = .full) throws {
        let pool: DatabasePool
        do {
            try StateStore.setReadableModes(path: path)
            pool = try DatabasePool(path: path, configuration: StateStore.configuration(readonly: false))
            // GRDB sets NORMAL when it enables WAL; this is the single writer connection, where it matters.
            try pool.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA synchronous = \(durability.rawValue)")
            }
        } catch {
            if let corrupt = StateStore.corruption(error, path: path) { throw corrupt }
            throw StateStoreError.cannotOpen(path: path, reason: StateStore.reason(error, path: path))
        }
        self.init(path: path, database: pool, durability: durability)
        do {
            try migrate()
        } catch {
            throw StateStore.corruption(error, path: path) ?? error
        }
    }

    /// `StateStoreError.corrupt` when SQLite says the file is damaged or not a database.
    static func corruption(_ error: any Error, path: String) -> StateStoreError? {
        guard let error = error as? DatabaseError, [.SQLITE_CORRUPT, .SQLITE_NOTADB].contains(error.resultCode) else { return nil }
        return .corrupt(path: path, reason: error.message ?? "\(error.resultCode)")
    }

    /// Opens an existing state database read-only, for `history`: nothing is created or migrated,
    /// and the daemon may keep writing meanwhile.
    public static func openForReading(path: String) throws -> StateStore {
        // EACCES on the file or a folder above it: say who may read it, not SQLite's
        // "unable to open database file".
        if access(path, R_OK) != 0, errno == EACCES { throw StateStoreError.notPermitted(path: path) }
        let queue: DatabaseQueue
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration(readonly: true))
        } catch {
            throw StateStoreError.cannotOpen(path: path, reason: reason(error, path: path))
        }
        let store = StateStore(path: path, database: queue)
        try queue.read { db in
            let migrator = StateStore.migrator
            let applied = try migrator.appliedIdentifiers(db)
            let known = Set(migrator.migrations)
            let unknown = applied.subtracting(known)
            if !unknown.isEmpty {
                throw StateStoreError.newerSchema(path: path, unknownMigrations: unknown.sorted())
            }
            let missing = migrator.migrations.filter { !applied.contains($0) }
            if !missing.isEmpty { throw StateStoreError.olderSchema(path: path, missingMigrations: missing) }
        }
        return store
    }

    /// A private database in memory, with the current schema, for tests.
    public static func inMemory() throws -> StateStore {
        let store = StateStore(path: ":memory:", database: try DatabaseQueue(configuration: configuration(readonly: false)))
        try store.migrate()
        return store
    }

    /// Runs `body` in one transaction: all of its changes are committed together when it returns,
    /// and none of them when it throws. The transaction is only valid inside `body`, and `body`
    /// must not call this store's own methods (GRDB traps such re-entrant access): everything it
    /// needs is on the transaction. The states of the clients and clinicians it touches stay in
    /// memory until the commit, so keep batches to a few thousand records.
    public func write<T>(_ body: (StoreTransaction) throws -> T) throws -> T {
        try database.write { db in
            let transaction = StoreTransaction(db)
            let result = try body(transaction)
            try transaction.writeSavedStates()
            return result
        }
    }

    /// The `PRAGMA synchronous` in force on the writer connection (0 OFF, 1 NORMAL, 2 FULL).
    public func synchronousLevel() throws -> Int {
        try database.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1 }
    }

    private func migrate() throws {
        let migrator = StateStore.migrator
        try database.writeWithoutTransaction { db in
            let unknown = try migrator.appliedIdentifiers(db).subtracting(migrator.migrations)
            if !unknown.isEmpty {
                throw StateStoreError.newerSchema(path: path, unknownMigrations: unknown.sorted())
            }
        }
        try migrator.migrate(database)
    }

    /// Mode of the database and of its `-wal` and `-shm` files: the owner writes, the group
    /// (`alliance-watch-read` through the setgid state folder, SPEC §8) reads, nobody else.
    static let fileMode: mode_t = 0o640

    /// Creates the database file with `fileMode` when absent (the service runs with UMask=0077,
    /// which would give 0600), and restores that mode on an existing one. SQLite gives the
    /// `-wal` and `-shm` files the database's mode when it creates them.
    static func setReadableModes(path: String) throws {
        if path == ":memory:" { return }
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, fileMode)
        if fd >= 0 {
            defer { close(fd) }
            if fchmod(fd, fileMode) != 0 { throw SystemCallError.last("fchmod '\(path)'") }
            return
        }
        guard errno == EEXIST else { throw SystemCallError.last("create '\(path)'") }
        for file in [path, path + "-wal", path + "-shm"] {
            var status = stat()
            guard stat(file, &status) == 0, status.st_mode & 0o777 != fileMode else { continue }
            if chmod(file, fileMode) != 0 { throw SystemCallError.last("chmod '\(file)'") }
        }
    }

    private static func configuration(readonly: Bool) -> Configuration {
        var configuration = Configuration()
        configuration.readonly = readonly
        if !readonly {
            // Keep `-wal` and `-shm` when the daemon closes the database: a reader without
            // write access to the folder (`history`, `caseload` as a member of
            // alliance-watch-read) can open a WAL database read-only only while both exist.
            configuration.prepareDatabase { db in
                var persist: Int32 = 1
                _ = sqlite3_file_control(db.sqliteConnection, "main", SQLITE_FCNTL_PERSIST_WAL, &persist)
            }
        }
        configuration.label = "alliance-watch.state"
        // Readers are only `history` and the outbox query; the writer is the ingest loop.
        configuration.maximumReaderCount = 2
        // Another process (`history`, an administrator's sqlite3) may briefly hold a lock.
        configuration.busyMode = .timeout(5)
        return configuration
    }

    /// SQLite's "unable to open database file" says nothing about why; name the usual cause.
    private static func reason(_ error: any Error, path: String) -> String {
        let base = (error as? DatabaseError).map { $0.message ?? "\($0.resultCode)" } ?? "\(error)"
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty, !FileManager.default.fileExists(atPath: directory) {
            return "\(base) (the directory '\(directory)' does not exist)"
        }
        if !FileManager.default.fileExists(atPath: path) {
            return "\(base) (no such file)"
        }
        return base
    }
}
