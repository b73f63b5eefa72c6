/// Why the state database could not be used, in words an administrator can act on.
public enum StateStoreError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The file could not be opened or is not an SQLite database.
    case cannotOpen(path: String, reason: String)
    /// The file was written by a newer alliance-watch (it has migrations this build does not know).
    case newerSchema(path: String, unknownMigrations: [String])
    /// Opened for reading, but the schema is missing migrations this build needs.
    case olderSchema(path: String, missingMigrations: [String])
    /// A stored value could not be read back (a state document, a rule id, a date).
    case corruptValue(table: String, key: String, reason: String)
    /// `history` of a client the database does not know.
    case unknownClient(String)
    /// The reader may not read the database (SPEC §8 "Reading without root").
    case notPermitted(path: String)
    /// SQLite reports the file corrupt (SQLITE_CORRUPT, SQLITE_NOTADB): it is left as it is.
    case corrupt(path: String, reason: String)

    /// The group whose members may read the state database without root (sysusers.d).
    public static let readerGroup = "alliance-watch-read"

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason):
            return "cannot open the state database '\(path)': \(reason)"
        case .newerSchema(let path, let unknown):
            return "the state database '\(path)' was written by a newer alliance-watch "
                + "(unknown migrations: \(unknown.joined(separator: ", "))); refusing to use it"
        case .olderSchema(let path, let missing):
            return "the state database '\(path)' lacks migrations \(missing.joined(separator: ", ")); "
                + "start the daemon once to migrate it"
        case .corruptValue(let table, let key, let reason):
            return "unreadable value in the state database, table '\(table)', '\(key)': \(reason)"
        case .unknownClient(let client):
            return "no client '\(client)' in the state database"
        case .corrupt(let path, let reason):
            return "the state database '\(path)' is corrupt (\(reason)); it was not modified. Stop the service, "
                + "move the file aside and restore it as docs/ADMIN.md, section \"Restoring the state database\", says "
                + "(installed as /usr/share/doc/alliance-watch/ADMIN.md)"
        case .notPermitted(let path):
            return "permission denied reading the state database '\(path)': only root and members of the group "
                + "'\(StateStoreError.readerGroup)' may read it. Ask an administrator to run "
                + "'usermod -aG \(StateStoreError.readerGroup) USER', then log in again"
        }
    }
}
