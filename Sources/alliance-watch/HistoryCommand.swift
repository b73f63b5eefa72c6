import AllianceCore
import AllianceDaemon
import ArgumentParser
import Foundation

/// `alliance-watch history CLIENT [--config F] [--episode E] [--state PATH]` (SPEC §8).
struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "Show a client's sessions, scores and alerts from the state database.",
        discussion: """
            Prints each episode's sessions with their SRS total, WAI-SR mean, ORS total and the \
            alerts raised about them as rule(priority), then a chart of the SRS totals (and of the \
            WAI-SR means, when there are any) against the configured cutoffs. The database is \
            opened read-only, so this is safe while the daemon runs.

            Exit codes: 0 success, 1 no such client or episode, 2 usage error, 3 the state \
            database cannot be opened or read.
            """
    )

    @Argument(help: ArgumentHelp("The client's pseudonymous id.", valueName: "client"))
    var client: String

    @OptionGroup var configOptions: ConfigOptions

    @Option(help: ArgumentHelp("Show only this episode.", valueName: "episode"))
    var episode: String?

    @Option(help: ArgumentHelp("The state database, instead of the configuration's state.path.", valueName: "path"))
    var state: String?

    func run() throws {
        let settings = try configOptions.loadSettings()
        let path = state ?? settings.state.path

        let store: StateStore
        let history: ClientHistory
        do {
            store = try StateStore.openForReading(path: path)
            history = try store.history(client: client, episode: episode)
        } catch StateStoreError.unknownClient {
            writeToStandardError("alliance-watch: no client '\(client)' in '\(path)'")
            throw ExitCode(1)
        } catch {
            writeToStandardError("alliance-watch: \(error)")
            throw ExitCode(3)
        }
        if let episode, history.sessions.isEmpty {
            let known = history.episodes.isEmpty ? "none" : history.episodes.joined(separator: ", ")
            writeToStandardError("alliance-watch: client '\(client)' has no episode '\(episode)' (episodes: \(known))")
            throw ExitCode(1)
        }
        print(HistoryReport(history: history, settings: settings).render(), terminator: "")
    }
}
