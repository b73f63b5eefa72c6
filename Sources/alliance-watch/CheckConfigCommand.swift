import AllianceConfig
import ArgumentParser
import Foundation

/// `alliance-watch check-config [FILE]` (SPEC §8).
struct CheckConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Check a configuration file and report every problem in it.",
        discussion: """
            Every problem is printed to standard error as FILE:LINE: key.path: message, in the order \
            they occur in the file. A valid file is confirmed on standard output. The daemon refuses \
            to start with a file this command rejects, and keeps its running configuration when such \
            a file is loaded on reload.

            Exit codes: 0 the file is valid, 1 it is invalid or cannot be read, 2 usage error.
            """
    )

    @Argument(help: ArgumentHelp("The configuration file to check.", valueName: "file"))
    var file: String = ConfigLoader.defaultPath

    func run() throws {
        switch ConfigLoader.load(path: file) {
        case .success:
            print("\(file): configuration is valid")
        case .failure(let errors):
            FileHandle.standardError.write(Data((errors.description + "\n").utf8))
            throw ExitCode(1)
        }
    }
}
