/// `rupture`: a reliable one-session drop (Jacobson & Truax RCI) or a score at least |z| SDs
/// below the client's own recent history (Stiles 2004), while no rupture is open.
enum RuptureRule {
    struct Opening {
        var verdict: RuleVerdict
        var rupture: OpenRupture
    }

    /// The rupture this entry opens, if any (also when the rule is disabled for alerts, the
    /// caller decides whether it may open: a disabled rupture never opens one).
    static func evaluate(_ input: SeriesInput, series: SeriesState, settings: Settings) -> (verdict: RuleVerdict, opening: OpenRupture?) {
        if let open = series.rupture {
            return (input.quiet("a rupture is already open (reference \(input.show(open.reference)))"), nil)
        }
        let previous = series.entries.last?.score
        let history = series.historyWindow(size: settings.baseline.window)
        let rci = input.settings.rci
        let reliableDrop = previous.map { Double.atLeastAt4($0 - input.score, rci) } ?? false

        let meanH = history.mean
        let sdEffective = max(history.sd, input.settings.sdFloor)
        var z: Double?
        if history.count >= settings.baseline.minHistory {
            z = (input.score - meanH) / sdEffective
        }
        let lowZ = z.map { Double.atMostAt4($0, settings.rupture.z) } ?? false
        guard reliableDrop || lowZ else {
            return (input.quiet(quietReason(input, previous: previous, rci: rci, z: z, historyCount: history.count, settings: settings)), nil)
        }
        let reference = history.count == 0 ? (previous ?? input.score) : meanH
        let opening = OpenRupture(reference: reference, spread: sdEffective)
        let draft: AlertDraft
        if reliableDrop, let previous {
            draft = AlertDraft(rule: .rupture, instrument: input.instrument.rawValue) {
                AlertText(
                    score: input.shownScore, threshold: showStatistic(rci), baseline: input.show(previous), items: input.items,
                    headline: "\(input.name) \(input.shownScore), down \(input.show(previous - input.score)) from \(input.show(previous)) (reliable change \(Decimal4.format(rci, decimals: 1)))",
                    detail: "Consider asking about the relationship before the next session."
                )
            }
        } else {
            let threshold = settings.rupture.z
            let shownZ = z ?? 0
            draft = AlertDraft(rule: .rupture, instrument: input.instrument.rawValue) {
                AlertText(
                    score: input.shownScore, threshold: showStatistic(threshold), baseline: input.show(meanH), items: input.items,
                    headline: "\(input.name) \(input.shownScore) is \(showStatistic(shownZ)) SD from the client's recent mean \(input.show(meanH)) (threshold \(showStatistic(threshold)))",
                    detail: "Consider asking about the relationship before the next session."
                )
            }
        }
        return (.fired(draft), opening)
    }

    /// `drop 1.0 from 40.0 is below the reliable change 6.83 and z -0.40 is above -2.00`.
    private static func quietReason(_ input: SeriesInput, previous: Double?, rci: Double, z: Double?, historyCount: Int, settings: Settings) -> String {
        let drop: String
        if let previous {
            drop = Double.aboveAt4(previous - input.score, 0)
                ? "drop \(input.show(previous - input.score)) from \(input.show(previous)) is below the reliable change \(showStatistic(rci))"
                : "\(input.name) \(input.shownScore) is not below the previous \(input.show(previous))"
        } else {
            drop = "the first \(input.name) of the episode has no previous score"
        }
        let threshold = showStatistic(settings.rupture.z)
        let low = z.map { "z \(showStatistic($0)) is above \(threshold)" }
            ?? "z needs \(settings.baseline.minHistory) earlier scores outside ruptures, there are \(historyCount)"
        return drop + " and " + low
    }
}
