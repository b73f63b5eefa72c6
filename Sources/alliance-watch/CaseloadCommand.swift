import AllianceCore
import AllianceDaemon
import ArgumentParser
import Foundation

/// `alliance-watch caseload [--config F] [--clinician ID] [--days N] [--date D] [--json]` (SPEC §8).
struct CaseloadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "caseload",
        abstract: "List the client episodes that need attention, most urgent first.",
        discussion: """
            A client episode needs attention when a rupture is open in one of its series, or when \
            it had an alert of warning or higher dated within the last digest.days days (28 by \
            default) — unless its latest session record ended the episode. Each line shows the \
            most severe priority, the client, episode and clinician, the latest session, the \
            latest three SRS totals and WAI-SR means (oldest first), and the reasons: open \
            ruptures, each alert as rule@session (priority), and the risk flag \
            sud-low-motivation. Order: priority, then the most recent alert, then client id. \
            This is the list the daily digest summarises. The state database is opened \
            read-only, so this is safe while the daemon runs; members of the group \
            alliance-watch-read may run it without root.

            Exit codes: 0 success (also when nobody needs attention), 1 invalid configuration, \
            2 usage error, 3 the state database cannot be opened or read.
            """
    )

    @OptionGroup var configOptions: ConfigOptions

    @Option(help: ArgumentHelp("Only the episodes whose latest session names this clinician.", valueName: "id"))
    var clinician: String?

    @Option(help: ArgumentHelp("Days an alert keeps a client on the list (1-3650), instead of digest.days.", valueName: "n"))
    var days: Int?

    @Option(help: ArgumentHelp("The day of the list, as YYYY-MM-DD (default: today, local time).", valueName: "date"))
    var date: String?

    @Flag(help: "One JSON object per client episode instead of a table.")
    var json = false

    @Option(help: ArgumentHelp("The state database, instead of the configuration's state.path.", valueName: "path"))
    var state: String?

    func validate() throws {
        if let days, !(1...3650).contains(days) { throw ValidationError("--days must be 1-3650, not \(days)") }
        if let date, CalendarDate(isoText: date) == nil { throw ValidationError("--date must be a date as YYYY-MM-DD, not '\(date)'") }
    }

    func run() throws {
        let settings = try configOptions.loadSettings()
        let path = state ?? settings.state.path
        let query = AttentionQuery(
            day: date.flatMap(CalendarDate.init(isoText:)) ?? LocalClock.today(),
            days: days ?? settings.digest.days, clinician: clinician
        )
        let items: [AttentionItem]
        do {
            items = try StateStore.openForReading(path: path).attentionList(query, risk: settings.risk)
        } catch {
            writeToStandardError("alliance-watch: \(error)")
            throw ExitCode(3)
        }
        let report = CaseloadReport(items: items, query: query)
        print(json ? report.renderJSONLines() : report.renderTable(), terminator: "")
    }
}
