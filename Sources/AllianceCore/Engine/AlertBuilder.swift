/// Turns a rule's draft into a journal-ready alert: the record's fields, the configured priority,
/// rule escalation and the risk modifier (SPEC §5 "Priority", "Risk modifier"; §6.1).
struct AlertBuilder {
    var settings: Settings

    struct Subject {
        var client: String
        var clinician: String?
        var episode: String
        var session: Int
        var date: CalendarDate
        var recordID: String
        var source: String
    }

    /// nil when the rule is disabled.
    func build(_ draft: AlertDraft, about subject: Subject, atRisk: Bool) -> Alert? {
        guard settings.isEnabled(draft.rule) else { return nil }
        var priority = settings.priority(of: draft.rule)
        if let floor = draft.atLeast { priority = Priority.mostSevere(priority, floor) }
        var risk = draft.rule == .earlyRisk
        if draft.rule != .earlyRisk, draft.rule != .clinicianPattern,
           subject.session <= settings.risk.earlySessions, atRisk {
            priority = priority.raised
            risk = true
        }
        var fields = [
            JournalField("ALLIANCE_CLIENT", subject.client),
        ]
        if let clinician = subject.clinician { fields.append(JournalField("ALLIANCE_CLINICIAN", clinician)) }
        fields.append(JournalField("ALLIANCE_EPISODE", subject.episode))
        fields.append(JournalField("ALLIANCE_SESSION", String(subject.session)))
        fields.append(JournalField("ALLIANCE_DATE", subject.date.description))
        appendDraftFields(draft, to: &fields)
        if risk { fields.append(JournalField("ALLIANCE_RISK", "sud-low-motivation")) }
        fields.append(JournalField("ALLIANCE_RECORD", subject.recordID))
        fields.append(JournalField("ALLIANCE_SOURCE", subject.source))

        var who = "client \(subject.client)"
        if let clinician = subject.clinician { who += " (clinician \(clinician))" }
        who += " session \(subject.session)"
        if risk { who += " (substance use, low motivation)" }
        let separator = draft.headline.hasPrefix("(") ? " " : ": "
        let message = "\(title(of: draft)): \(who)\(separator)\(draft.headline). \(draft.detail)"
        let key = [draft.rule.rawValue, subject.client, subject.episode, draft.instrument ?? "", String(subject.session)]
            .joined(separator: "/")
        return Alert(rule: draft.rule, priority: priority, key: key, message: message, fields: fields)
    }

    /// A clinician-level alert: no client, episode, session, instrument or record.
    func buildClinicianAlert(_ draft: AlertDraft, clinician: String, date: CalendarDate, source: String) -> Alert? {
        guard settings.isEnabled(.clinicianPattern), let pattern = draft.pattern else { return nil }
        let priority = settings.priority(of: .clinicianPattern)
        var fields = [
            JournalField("ALLIANCE_CLINICIAN", clinician),
            JournalField("ALLIANCE_DATE", date.description),
        ]
        appendDraftFields(draft, to: &fields)
        fields.append(JournalField("ALLIANCE_SOURCE", source))
        let message = "\(title(of: draft)): clinician \(clinician) on \(date): \(draft.headline). \(draft.detail)"
        let key = "clinician-pattern/\(clinician)/\(pattern.rule.rawValue)/\(date)"
        return Alert(rule: .clinicianPattern, priority: priority, key: key, message: message, fields: fields)
    }

    private func appendDraftFields(_ draft: AlertDraft, to fields: inout [JournalField]) {
        if let value = draft.instrument { fields.append(JournalField("ALLIANCE_INSTRUMENT", value)) }
        if let value = draft.score { fields.append(JournalField("ALLIANCE_SCORE", value)) }
        if let value = draft.threshold { fields.append(JournalField("ALLIANCE_THRESHOLD", value)) }
        if let value = draft.baseline { fields.append(JournalField("ALLIANCE_BASELINE", value)) }
        if let value = draft.items { fields.append(JournalField("ALLIANCE_ITEMS", value)) }
        if let value = draft.pattern { fields.append(JournalField("ALLIANCE_PATTERN", value.rawValue)) }
    }

    private func title(of draft: AlertDraft) -> String {
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
