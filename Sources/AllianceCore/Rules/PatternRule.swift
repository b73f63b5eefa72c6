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
            return (.quiet("the pattern is not present in enough recent entries"), true)
        }
        guard armed else { return (.quiet("already reported while the pattern persists"), false) }
        let gap = kind == .rigid ? input.settings.rigidGap : input.settings.uninvolvedGap
        let what = kind == .rigid
            ? "agreement on goals or method well below the bond"
            : "the bond well below agreement"
        let recentCount = recent.count
        let shownCount = count
        return (.fired(AlertDraft(rule: kind.rule, instrument: input.instrument.rawValue, pattern: kind) {
            AlertText(
                score: input.shownScore, threshold: input.show(gap), items: input.items,
                headline: "in \(shownCount) of the last \(recentCount) rated sessions \(what) (\(input.items)) or a \(kind.rawValue)-family marker was coded",
                detail: "Consider inviting the client's view of the work."
            )
        }), false)
    }
}
