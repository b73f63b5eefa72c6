/// `rigid-pattern` and `uninvolved-pattern` (Ackerman & Hilsenroth 2001): in at least
/// `min_sessions` of the last `window` entries, agreement well below the bond (rigid) or the bond
/// well below agreement (uninvolved), or an observer marker of that family. Edge-triggered.
enum PatternRule {
    /// Whether one entry shows the pattern.
    static func shows(_ kind: PatternKind, _ input: SeriesInput) -> Bool {
        let s = input.settings
        switch kind {
        case .rigid:
            return input.rigidMarker
                || (Double.lessAt4(input.agreement, s.componentCutoff)
                    && Double.atLeastAt4(input.bond - input.agreement, s.rigidGap))
        case .uninvolved:
            return input.uninvolvedMarker
                || (Double.lessAt4(input.bond, s.componentCutoff)
                    && Double.atLeastAt4(input.agreement - input.bond, s.uninvolvedGap))
        }
    }

    /// `entries` already include the new entry.
    static func evaluate(_ kind: PatternKind, _ input: SeriesInput, entries: [SeriesEntry], armed: Bool, settings: Settings) -> (verdict: RuleVerdict, armed: Bool) {
        let recent = entries.suffix(settings.pattern.window)
        var count = 0
        for entry in recent where kind == .rigid ? entry.rigid : entry.uninvolved { count += 1 }
        guard count >= settings.pattern.minSessions else {
            return (input.quiet("the \(kind.rawValue) pattern is in \(count) of the last \(recent.count) rated sessions, "
                + "fewer than min_sessions \(settings.pattern.minSessions); this session: \(evidence(kind, input))"), true)
        }
        guard armed else {
            return (input.quiet("the \(kind.rawValue) pattern is in \(count) of the last \(recent.count) rated sessions, "
                + "already reported while it persists"), false)
        }
        let gap = kind == .rigid ? input.settings.rigidGap : input.settings.uninvolvedGap
        let what = kind == .rigid
            ? "agreement on goals or method well below the bond"
            : "the bond well below agreement"
        let recentCount = recent.count
        let shownCount = count
        let sessions = Array(recent)
        let markers = kind == .rigid ? settings.markers.rigid : settings.markers.uninvolved
        return (.fired(AlertDraft(rule: kind.rule, instrument: input.instrument.rawValue, pattern: kind) {
            AlertText(
                score: input.shownScore, threshold: input.show(gap), items: input.items,
                headline: "\(what) in \(shownCount) of the last \(recentCount) rated sessions: "
                    + sources(kind, sessions, input: input, markers: markers),
                detail: "Consider inviting the client's view of the work."
            )
        }), false)
    }

    /// Which sessions showed the pattern and how: `the item gap in sessions 2 and 3 (this
    /// session: goals 8.0 and approach 7.2 against relationship 9.6, a gap of 2.4; rigid_gap 2.0)`,
    /// `a rigid-family marker coded in sessions 3 and 4 (this session: 'rigid-technique')`.
    static func sources(_ kind: PatternKind, _ entries: [SeriesEntry], input: SeriesInput, markers family: [String]) -> String {
        let showing = entries.filter { kind == .rigid ? $0.rigid : $0.uninvolved }
        let byMarker = showing.filter { kind == .rigid ? $0.rigidMarker : $0.uninvolvedMarker }
        let byGap = showing.filter { !(kind == .rigid ? $0.rigidMarker : $0.uninvolvedMarker) }
        let current = entries.last
        let currentByMarker = kind == .rigid ? input.rigidMarker : input.uninvolvedMarker
        var parts: [String] = []
        if !byGap.isEmpty {
            var part = "the item gap in \(sessionList(byGap))"
            if let current, byGap.last == current { part += " (this session: \(gapText(kind, input)))" }
            parts.append(part)
        }
        if !byMarker.isEmpty {
            let article = kind == .rigid ? "a" : "an"
            var part = "\(article) \(kind.rawValue)-family marker coded in \(sessionList(byMarker))"
            if currentByMarker {
                let coded = input.markers.filter { family.contains($0) }
                part += " (this session: \(coded.map { "'\($0)'" }.joined(separator: ", ")))"
            }
            parts.append(part)
        }
        return parts.joined(separator: ", and ")
    }

    /// `sessions 2 and 3`, `session 4`, `an earlier session` for entries stored without numbers.
    static func sessionList(_ entries: [SeriesEntry]) -> String {
        let numbers = entries.compactMap(\.session).map(String.init)
        let unknown = entries.count - numbers.count
        var names = numbers
        if unknown > 0 { names.append(unknown == 1 ? "an earlier session" : "\(unknown) earlier sessions") }
        let prefix = numbers.isEmpty ? "" : (numbers.count == 1 ? "session " : "sessions ")
        switch names.count {
        case 0: return "no session"
        case 1: return prefix + names[0]
        default: return prefix + names.dropLast().joined(separator: ", ") + " and " + names.last!
        }
    }

    /// This session's components and their gap against the pattern's gap setting.
    static func gapText(_ kind: PatternKind, _ input: SeriesInput) -> String {
        let (bondName, agreementName): (String, String)
        switch input.ratings {
        case .srs(let srs):
            bondName = "relationship \(input.show(srs.relationship))"
            agreementName = srs.goals <= srs.approach ? "goals \(input.show(srs.goals))" : "approach \(input.show(srs.approach))"
        case .waiSR(let wai):
            bondName = "bond \(input.show(wai.bond))"
            agreementName = wai.task <= wai.goal ? "task \(input.show(wai.task))" : "goal \(input.show(wai.goal))"
        }
        let s = input.settings
        if kind == .rigid {
            return "\(agreementName) against \(bondName), a gap of \(input.show(input.bond - input.agreement)); "
                + "rigid_gap \(input.show(s.rigidGap)), component_cutoff \(input.show(s.componentCutoff))"
        }
        return "\(bondName) against \(agreementName), a gap of \(input.show(input.agreement - input.bond)); "
            + "uninvolved_gap \(input.show(s.uninvolvedGap)), component_cutoff \(input.show(s.componentCutoff))"
    }

    /// For a quiet verdict: whether this session shows the pattern, and by what.
    static func evidence(_ kind: PatternKind, _ input: SeriesInput) -> String {
        let marker = kind == .rigid ? input.rigidMarker : input.uninvolvedMarker
        if marker { return "\(kind == .rigid ? "a" : "an") \(kind.rawValue)-family marker was coded" }
        return (shows(kind, input) ? "shows it, " : "does not show it, ") + gapText(kind, input)
    }
}
