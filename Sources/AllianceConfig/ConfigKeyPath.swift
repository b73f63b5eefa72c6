/// A dotted path to a key of the configuration, as diagnostics show it: `instruments.srs.cutoff`,
/// `markers.rigid[2]`. A key that is not a bare TOML key is shown quoted (`spool."max bytes"`).
struct ConfigKeyPath: Hashable, Sendable, CustomStringConvertible {
    enum Component: Hashable, Sendable {
        case key(String)
        case index(Int)
    }

    var components: [Component]

    static let root = ConfigKeyPath(components: [])

    init(components: [Component]) {
        self.components = components
    }

    init(keys: [String]) {
        self.components = keys.map(Component.key)
    }

    func appending(_ key: String) -> ConfigKeyPath {
        ConfigKeyPath(components: components + [.key(key)])
    }

    func appending(index: Int) -> ConfigKeyPath {
        ConfigKeyPath(components: components + [.index(index)])
    }

    /// The path without its last component, or nil for the root.
    var parent: ConfigKeyPath? {
        components.isEmpty ? nil : ConfigKeyPath(components: Array(components.dropLast()))
    }

    var description: String {
        var text = ""
        for component in components {
            switch component {
            case .key(let key):
                if !text.isEmpty { text += "." }
                text += Self.isBareKey(key) ? key : Self.quotedKey(key)
            case .index(let index):
                text += "[\(index)]"
            }
        }
        return text
    }

    /// TOML bare keys: ASCII letters, digits, `_` and `-`.
    private static func isBareKey(_ key: String) -> Bool {
        !key.isEmpty && key.utf8.allSatisfy { byte in
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
        }
    }

    private static func quotedKey(_ key: String) -> String {
        var text = "\""
        for scalar in key.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            default: text += TextQuoting.escapingControlCharacters(scalar)
            }
        }
        return text + "\""
    }
}
