/// `lapse`: no session for `lapse.days` after a session that raised a warning — a client who may
/// have silently dropped out. Older silences (over `lapse.max_days`) are not actionable.
enum LapseRule {
    static func evaluate(_ latest: LatestSession?, now: CalendarDate, settings: Settings) -> RuleVerdict {
        guard let latest else { return .quiet("no stored session") }
        guard let window = latest.lapseWindow(settings.lapse) else {
            return .quiet("the latest session raised no warning, ended the episode, or was already reported")
        }
        guard window.contains(now) else {
            return .quiet("\(now.days(since: latest.date)) days since the latest session, outside lapse.days \(settings.lapse.days) to lapse.max_days \(settings.lapse.maxDays)")
        }
        let days = now.days(since: latest.date)
        return .fired(AlertDraft(
            rule: .lapse, threshold: String(settings.lapse.days),
            headline: "no session for \(days) days since \(latest.date), which raised an alert",
            detail: "Consider reaching out to the client."
        ))
    }
}
