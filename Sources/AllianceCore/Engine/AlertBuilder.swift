/// Turns a rule's draft into a journal-ready alert: the record's fields, the configured priority,
/// rule escalation and the risk modifier (SPEC §5 "Priority", "Risk modifier"; §6.1).
enum AlertBuilder {
    /// nil when the rule is disabled. The alert's text is written when first asked for.
    static func build(_ draft: AlertDraft, about subject: AlertSubject, atRisk: Bool, settings: Settings) -> Alert? {
        guard settings.isEnabled(draft.rule) else { return nil }
        var priority = settings.priority(of: draft.rule)
        if let floor = draft.atLeast { priority = Priority.mostSevere(priority, floor) }
        var risk = draft.rule == .earlyRisk
        if draft.rule != .earlyRisk, draft.rule != .clinicianPattern,
           subject.session <= settings.risk.earlySessions, atRisk {
            priority = priority.raised
            risk = true
        }
        return Alert(draft, priority: priority, about: subject, title: title(of: draft, settings: settings), risk: risk)
    }

    /// A clinician-level alert: no client, episode, session, instrument or record.
    static func buildClinicianAlert(_ draft: AlertDraft, clinician: String, date: CalendarDate, source: String, settings: Settings) -> Alert? {
        guard settings.isEnabled(.clinicianPattern), draft.pattern != nil else { return nil }
        let priority = settings.priority(of: .clinicianPattern)
        return Alert(clinician: draft, priority: priority, clinician: clinician, date: date, source: source, title: title(of: draft, settings: settings))
    }

    private static func title(of draft: AlertDraft, settings: Settings) -> String {
        switch draft.rule {
        case .belowCutoff: return "Low alliance rating"
        case .dip: return "Alliance rating dropped"
        case .rupture: return "Possible alliance rupture"
        case .repaired: return "Alliance rupture repaired"
        case .unrepaired: return "Alliance rupture not repaired after \(settings.rupture.repairWindow) rated sessions"
        case .decline: return "Sustained alliance decline"
        case .rigidPattern: return "Possible rigid pattern"
        case .uninvolvedPattern: return "Possible uninvolved pattern"
        case .earlyRisk: return "Early alliance risk"
        case .clientTension: return "Client reported tension with the therapist"
        case .outcomeDecline: return "Reliable outcome decline"
        case .clinicianPattern: return "Pattern across a clinician's clients"
        case .missedAfterAlert: return "Missed session after an alliance alert"
        case .lapse: return "No session since an alliance alert"
        }
    }
}
