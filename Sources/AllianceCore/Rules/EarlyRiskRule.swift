/// `early-risk`: a substance-use client with low motivation rates the alliance below the early
/// cutoff in the first sessions (Meier et al. 2005; Ilgen et al. 2006).
enum EarlyRiskRule {
    static func evaluate(_ input: SeriesInput, session: Int, atRisk: Bool, settings: Settings) -> RuleVerdict {
        guard atRisk else { return input.quiet("the profile is not substance use with low motivation") }
        guard session <= settings.risk.earlySessions else {
            return input.quiet("session \(session) is past the first \(settings.risk.earlySessions) sessions")
        }
        let cutoff = input.settings.earlyCutoff
        guard Double.lessAt4(input.score, cutoff) else {
            return input.quiet("\(input.name) \(input.shownScore) is not below the early cutoff \(input.show(cutoff))")
        }
        let earlySessions = settings.risk.earlySessions
        return .fired(AlertDraft(rule: .earlyRisk, instrument: input.instrument.rawValue) {
            AlertText(
                score: input.shownScore, threshold: input.show(cutoff), items: input.items,
                headline: "\(input.name) \(input.shownScore) is below \(input.show(cutoff)) in the first \(earlySessions) sessions",
                detail: "Consider prioritising engagement."
            )
        })
    }
}
