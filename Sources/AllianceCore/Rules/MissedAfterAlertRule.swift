/// `missed-after-alert`: a no-show or client cancellation soon after a session that raised a
/// warning — the moment a weakened alliance turns into a dropout (Meier et al. 2005).
enum MissedAfterAlertRule {
    /// `earlier` are the episode's stored session records with lower session numbers, ascending.
    static func evaluate(_ record: SessionRecord, earlier: ArraySlice<StoredSession>, settings: Settings, explain: Bool = false) -> RuleVerdict {
        guard record.attendance == .noShow || record.attendance == .cancelledClient else {
            return quietVerdict(explain, "attendance is \(record.attendance.rawValue), not a missed session")
        }
        let window = earlier.suffix(settings.missed.window)
        guard let alerted = window.last(where: { $0.alertPriority?.isAtLeast(.warning) ?? false }) else {
            return quietVerdict(explain, "none of the previous \(settings.missed.window) sessions raised a warning or higher")
        }
        let what = record.attendance == .noShow ? "no-show" : "cancelled by the client"
        return .fired(AlertDraft(
            rule: .missedAfterAlert,
            headline: "(\(what)) follows an alert at session \(alerted.session)",
            detail: "Consider reaching out to the client."
        ))
    }
}
