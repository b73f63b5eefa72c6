/// Every problem found in a configuration file, in the order they occur in it.
public struct ConfigErrors: Error, Hashable, Sendable, CustomStringConvertible {
    public var diagnostics: [ConfigDiagnostic]

    public init(_ diagnostics: [ConfigDiagnostic]) {
        self.diagnostics = diagnostics
    }

    /// One diagnostic per line, `FILE:LINE: key.path: message`.
    public var description: String {
        diagnostics.map(\.description).joined(separator: "\n")
    }
}
