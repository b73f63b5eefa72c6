/// `below-cutoff`: the score enters the low range (PCOMS cutoff 36 for the SRS). Edge-triggered:
/// it re-arms when an entry is back at or above the cutoff.
enum BelowCutoffRule {
    static func evaluate(_ input: SeriesInput, previous: Double?) -> RuleVerdict {
        let cutoff = input.settings.cutoff
        guard Double.lessAt4(input.score, cutoff) else {
            return input.quiet("\(input.name) \(input.shownScore) is not below the cutoff \(input.show(cutoff))")
        }
        if let previous, Double.lessAt4(previous, cutoff) {
            return input.quiet("\(input.name) \(input.shownScore) is below the cutoff \(input.show(cutoff)), "
                + "but the previous \(input.show(previous)) already was")
        }
        return .fired(AlertDraft(rule: .belowCutoff, instrument: input.instrument.rawValue) {
            AlertText(
                score: input.shownScore, threshold: input.show(cutoff), baseline: previous.map(input.show), items: input.items,
                headline: "\(input.name) \(input.shownScore) is below the cutoff \(input.show(cutoff))",
                detail: "Consider inviting the client to say what did not fit today."
            )
        })
    }
}
