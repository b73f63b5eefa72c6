import AllianceCore

/// Reads the configuration a command runs with: the one call site the TOML loader
/// (`AllianceConfig.ConfigLoader`, branch `config`) replaces. Until it lands, every command runs
/// with the defaults of SPEC §7, and says so when a file was named.
func loadSettings(configPath: String?) throws -> Settings {
    if let configPath {
        writeToStandardError("alliance-watch: note: '\(configPath)' is not read yet; using the default configuration")
    }
    return Settings()
}
