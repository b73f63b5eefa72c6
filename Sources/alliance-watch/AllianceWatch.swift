import ArgumentParser

/// The `alliance-watch` command: an early warning when a therapeutic alliance weakens.
@main
struct AllianceWatch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alliance-watch",
        abstract: "Early warning when a client's therapeutic alliance is weakening.",
        discussion: """
            Exit codes: 0 success, 1 invalid input or configuration, 2 usage error, 3 runtime failure.
            """,
        // The release in VERSION at the repository's root; `make deb` refuses a binary whose
        // --version differs from it.
        version: "0.1.0",
        subcommands: [
            RunCommand.self, CheckConfigCommand.self, ReplayCommand.self, SubmitCommand.self, HistoryCommand.self,
            CaseloadCommand.self,
        ]
    )
}
