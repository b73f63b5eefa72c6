/// The four folders of the spool protocol (SPEC §2).
public struct SpoolLayout: Sendable, Hashable {
    public var root: String

    public init(root: String) { self.root = root }

    /// Writers create files here (same filesystem as `incoming/`).
    public var tmp: String { root + "/tmp" }
    /// Writers rename finished files in; the daemon watches it.
    public var incoming: String { root + "/incoming" }
    /// Files fully ingested.
    public var processed: String { root + "/processed" }
    /// Files or lines that could not be ingested, each with `NAME.error.json` beside it.
    public var rejected: String { root + "/rejected" }

    public var all: [String] { [tmp, incoming, processed, rejected] }
}
