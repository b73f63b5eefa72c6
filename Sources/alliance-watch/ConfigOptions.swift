import AllianceConfig
import AllianceCore
import ArgumentParser
import Foundation

/// `--config F`, shared by the subcommands that read the configuration.
struct ConfigOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "The configuration file. Without it, the default file is read when it exists, else the built-in defaults apply.",
        valueName: "file"
    ))
    var config: String?

    /// The path that will be read, or nil for the built-in defaults.
    var resolvedPath: String? {
        if let config { return config }
        return FileManager.default.fileExists(atPath: ConfigLoader.defaultPath) ? ConfigLoader.defaultPath : nil
    }

    /// The settings, or exit 1 after printing every problem as `FILE:LINE: key.path: message`.
    func loadSettings() throws -> Settings {
        guard let path = resolvedPath else { return Settings() }
        switch ConfigLoader.load(path: path) {
        case .success(let settings):
            return settings
        case .failure(let errors):
            FileHandle.standardError.write(Data((errors.description + "\n").utf8))
            throw ExitCode(1)
        }
    }
}
