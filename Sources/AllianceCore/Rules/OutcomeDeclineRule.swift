/// `outcome-decline`: the ORS total fell by a reliable amount from the episode's first ORS,
/// reported when the condition begins (Lambert's signal: outcome worsens despite a good alliance).
enum OutcomeDeclineRule {
    /// Updates the episode's ORS state and returns the verdict.
    static func evaluate(_ record: SessionRecord, episode: inout EpisodeState, settings: Settings, explain: Bool = false) -> RuleVerdict {
        guard let ors = record.ors else { return quietVerdict(explain, "no ORS this session") }
        let total = ors.total
        guard let first = episode.firstORS else {
            episode.firstORS = total
            episode.previousORSDeclined = false
            return quietVerdict(explain, "ORS \(Decimal4.format(total, decimals: 1)) is the first ORS of the episode")
        }
        let drop = first - total
        let declined = Double.atLeastAt4(drop, settings.outcome.rci)
        let wasDeclined = episode.previousORSDeclined
        episode.previousORSDeclined = declined
        guard declined else {
            return quietVerdict(explain, "ORS \(Decimal4.format(total, decimals: 1)) is \(Decimal4.format(drop, decimals: 1)) below the first ORS "
                + "\(Decimal4.format(first, decimals: 1)), less than outcome.rci \(Decimal4.format(settings.outcome.rci, decimals: 1))")
        }
        guard !wasDeclined else {
            return quietVerdict(explain, "ORS \(Decimal4.format(total, decimals: 1)) is \(Decimal4.format(drop, decimals: 1)) below the first ORS, but the previous ORS already was")
        }
        func one(_ value: Double) -> String { Decimal4.format(value, decimals: 1) }
        var alliance: [String] = []
        if let srs = record.srs { alliance.append("srs=\(one(srs.total))") }
        if let wai = record.waiSR { alliance.append("wai-sr=\(Decimal4.format(wai.score, decimals: 2))") }
        var items = "individually=\(one(ors.individually)) interpersonally=\(one(ors.interpersonally)) socially=\(one(ors.socially)) overall=\(one(ors.overall))"
        if !alliance.isEmpty { items += " " + alliance.joined(separator: " ") }
        let allianceText = alliance.isEmpty ? "no alliance rating this session" : "alliance this session: " + alliance.joined(separator: " ")
        return .fired(AlertDraft(
            rule: .outcomeDecline, instrument: "ors", score: one(total), threshold: one(settings.outcome.rci),
            baseline: one(first), items: items,
            headline: "ORS \(one(total)), down \(one(drop)) from the first ORS \(one(first)) (reliable change \(Decimal4.format(settings.outcome.rci, decimals: 1))); \(allianceText)",
            detail: "Consider reviewing the treatment plan with the client."
        ))
    }
}
