/// `decline`: a lower CUSUM against the fixed baseline of the first sessions (k, h), reported
/// once per excursion below the baseline and absorbed at a rupture-opening entry.
enum DeclineRule {
    struct Update {
        var verdict: RuleVerdict
        var cusum: Double
        var armed: Bool
    }

    static func evaluate(_ input: SeriesInput, series: SeriesState, opensRupture: Bool, settings: Settings) -> Update {
        guard let baseline = series.baseline(sessions: settings.baseline.sessions, sdFloor: input.settings.sdFloor) else {
            return Update(
                verdict: input.quiet("the baseline is the first \(settings.baseline.sessions) scores; there are \(series.entries.count) before this one"),
                cusum: 0, armed: series.declineArmed
            )
        }
        let k = settings.decline.k
        let h = settings.decline.h
        let z = min(max((input.score - baseline.mean) / baseline.sd, -4), 4)
        var cusum = max(0, series.cusum - z - k)
        var armed = series.declineArmed
        if Double.atLeastAt4(z, -k) { armed = true }
        guard Double.aboveAt4(cusum, h) else {
            return Update(
                verdict: input.quiet("CUSUM \(showStatistic(cusum)) is not above h \(showStatistic(h)) (z \(showStatistic(z)) against the baseline mean \(input.show(baseline.mean)))"),
                cusum: cusum, armed: armed
            )
        }
        let signal = cusum
        cusum = 0
        defer { armed = false }
        if !armed {
            return Update(verdict: input.quiet("CUSUM \(showStatistic(signal)) is above h \(showStatistic(h)), but this excursion was already reported"), cusum: 0, armed: false)
        }
        if opensRupture {
            return Update(verdict: input.quiet("CUSUM \(showStatistic(signal)) is above h \(showStatistic(h)), absorbed by the rupture this entry opens"), cusum: 0, armed: false)
        }
        let baselineMean = baseline.mean
        return Update(verdict: .fired(AlertDraft(rule: .decline, instrument: input.instrument.rawValue) {
            let mean = input.show(baselineMean)
            return AlertText(
                score: input.shownScore, threshold: showStatistic(h), baseline: mean, items: input.items,
                headline: "\(input.name) \(input.shownScore), CUSUM \(showStatistic(signal)) exceeds \(showStatistic(h)) against the baseline mean \(mean)",
                detail: "Consider reviewing goals and methods together."
            )
        }), cusum: 0, armed: false)
    }
}
