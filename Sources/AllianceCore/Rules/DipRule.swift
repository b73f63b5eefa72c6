/// `dip`: a drop of at least `dip` from the previous entry (PCOMS "drop of 1 point") that is not
/// a rupture.
enum DipRule {
    static func evaluate(_ input: SeriesInput, previous: Double?, ruptureFires: Bool) -> RuleVerdict {
        guard let previous else { return .quiet("first entry of the series") }
        let drop = previous - input.score
        guard Double.atLeastAt4(drop, input.settings.dip) else { return .quiet("the drop is smaller than dip") }
        if ruptureFires { return .quiet("the drop is reported as a rupture") }
        return .fired(AlertDraft(rule: .dip, instrument: input.instrument.rawValue) {
            AlertText(
                score: input.shownScore, threshold: input.show(input.settings.dip), baseline: input.show(previous), items: input.items,
                headline: "\(input.name) \(input.shownScore), down \(input.show(drop)) from \(input.show(previous))",
                detail: "Consider checking in about the last session."
            )
        })
    }
}
