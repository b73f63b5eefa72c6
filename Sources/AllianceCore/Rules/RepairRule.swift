/// `repaired` and `unrepaired`: after a rupture, the next `repair_window` entries either come
/// back to ref − margin × s (repaired; Eubanks et al. 2018: repair goes with better outcome) or
/// the window ends without it (unrepaired).
enum RepairRule {
    enum Outcome {
        case stillOpen(OpenRupture)
        case closed(RuleVerdict)
    }

    static func evaluate(_ input: SeriesInput, rupture: OpenRupture, settings: Settings) -> Outcome {
        var rupture = rupture
        rupture.entriesSince += 1
        let window = settings.rupture.repairWindow
        let level = rupture.reference - settings.rupture.repairMargin * rupture.spread
        let referenceLevel = rupture.reference
        if Double.atLeastAt4(input.score, level) {
            return .closed(.fired(AlertDraft(rule: .repaired, instrument: input.instrument.rawValue) {
                let reference = input.show(referenceLevel)
                let shownLevel = input.show(level)
                return AlertText(
                    score: input.shownScore, threshold: shownLevel, baseline: reference, items: input.items,
                    headline: "\(input.name) \(input.shownScore) is back at or above the repair level (reference \(reference), repair level \(shownLevel))",
                    detail: "Consider naming the repair with the client."
                )
            }))
        }
        if rupture.entriesSince >= window {
            return .closed(.fired(AlertDraft(rule: .unrepaired, instrument: input.instrument.rawValue) {
                let reference = input.show(referenceLevel)
                let shownLevel = input.show(level)
                return AlertText(
                    score: input.shownScore, threshold: String(window), baseline: reference, items: input.items,
                    headline: "\(input.name) \(input.shownScore) (reference \(reference), repair level \(shownLevel))",
                    detail: "Consider discussing the strain openly or in supervision."
                )
            }))
        }
        return .stillOpen(rupture)
    }
}
