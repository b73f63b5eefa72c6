/// `dip`: a drop of at least `dip` from the previous entry (PCOMS "drop of 1 point") that is not
/// a rupture.
enum DipRule {
    static func evaluate(_ input: SeriesInput, previous: Double?, ruptureFires: Bool) -> RuleVerdict {
        guard let previous else { return input.quiet("the first \(input.name) of the episode: no previous score") }
        let drop = previous - input.score
        guard Double.atLeastAt4(drop, input.settings.dip) else {
            return input.quiet(Double.atMostAt4(drop, 0)
                ? "\(input.name) \(input.shownScore) is not below the previous \(input.show(previous)) (dip is a drop of \(input.show(input.settings.dip)))"
                : "drop \(input.show(drop)) from \(input.show(previous)) is smaller than dip \(input.show(input.settings.dip))")
        }
        if ruptureFires { return input.quiet("drop \(input.show(drop)) from \(input.show(previous)) is reported as a rupture") }
        return .fired(AlertDraft(rule: .dip, instrument: input.instrument.rawValue) {
            AlertText(
                score: input.shownScore, threshold: input.show(input.settings.dip), baseline: input.show(previous), items: input.items,
                headline: "\(input.name) \(input.shownScore), down \(input.show(drop)) from \(input.show(previous))",
                detail: "Consider checking in about the last session."
            )
        })
    }
}
