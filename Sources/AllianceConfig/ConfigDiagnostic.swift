/// A located problem in a configuration file: `FILE:LINE: key.path: message`.
public struct ConfigDiagnostic: Hashable, Sendable, CustomStringConvertible {
    public var file: String
    /// 1-based line where the parser or the key's position gives one.
    public var line: Int?
    /// Dotted key path (`instruments.srs.cutoff`), or nil for a file-level problem.
    public var keyPath: String?
    public var message: String

    public init(file: String, line: Int?, keyPath: String?, message: String) {
        self.file = file
        self.line = line
        self.keyPath = keyPath
        self.message = message
    }

    public var description: String {
        var text = file
        if let line { text += ":\(line)" }
        text += ": "
        if let keyPath { text += "\(keyPath): " }
        return text + message
    }
}
