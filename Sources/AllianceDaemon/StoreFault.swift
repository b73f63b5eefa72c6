import GRDB

/// A fault of the state database that stops ingestion for a while but not the daemon (SPEC
/// §6.4 "Faults of the state database"): the transaction rolled back, and a retry after the
/// administrator (or time) removed the cause will commit it.
public enum StoreFault: String, Error, Hashable, Sendable {
    /// SQLITE_FULL: the filesystem of the database (or of its WAL) has no room.
    case diskFull = "disk-full"
    /// SQLITE_BUSY / SQLITE_LOCKED after the busy timeout: another process holds a lock
    /// (an administrator's `sqlite3` shell in a transaction, a backup tool).
    case databaseBusy = "database-busy"
    /// SQLITE_READONLY, or a write refused by the filesystem (read-only mount, permissions).
    case databaseReadonly = "database-readonly"

    /// The fault `error` is, or nil for any other error (which stops the daemon as before).
    public init?(_ error: any Error) {
        if let fault = error as? StoreFault {
            self = fault
            return
        }
        guard let error = error as? DatabaseError else { return nil }
        switch error.resultCode {
        case .SQLITE_FULL: self = .diskFull
        case .SQLITE_BUSY, .SQLITE_LOCKED: self = .databaseBusy
        case .SQLITE_READONLY: self = .databaseReadonly
        case .SQLITE_IOERR:
            // A write or an fsync the filesystem refused: EROFS after a remount read-only,
            // ENOSPC where SQLite did not turn it into SQLITE_FULL.
            switch error.extendedResultCode {
            case .SQLITE_IOERR_WRITE, .SQLITE_IOERR_FSYNC, .SQLITE_IOERR_TRUNCATE, .SQLITE_IOERR_SHMOPEN,
                 .SQLITE_IOERR_SHMSIZE, .SQLITE_IOERR_SHMMAP, .SQLITE_IOERR_DIR_FSYNC:
                self = .databaseReadonly
            default:
                return nil
            }
        default:
            return nil
        }
    }

    /// What the fault means, for a person: `the state database '…' is full`.
    public func explanation(path: String) -> String {
        switch self {
        case .diskFull: return "the filesystem of the state database '\(path)' is full"
        case .databaseBusy: return "the state database '\(path)' is locked by another process"
        case .databaseReadonly: return "the state database '\(path)' or its folder cannot be written"
        }
    }
}
