import ArgumentParser
import Foundation

extension AllianceWatch {
    /// Runs the command line as ArgumentParser does, except that a usage error exits with 2, as
    /// SPEC §8 says, instead of ArgumentParser's `EX_USAGE` (64).
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            guard exitCode(for: error) == .validationFailure else { exit(withError: error) }
            FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
            exit(withError: ExitCode(2))
        }
    }
}
