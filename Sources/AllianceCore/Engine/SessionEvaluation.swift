/// The evaluation of one session record against a client's state (SPEC §3.1 duplicates and late
/// records, §4 series, §5 rules and alert order).
struct SessionEvaluation {
    let explain: Bool
    var explanations: [AllianceEngine.Explanation] = []
    /// Drafts with their order: (rule index, instrument index, pattern index).
    private var drafts: [(order: Int, draft: AlertDraft)] = []

    init(explain: Bool) {
        self.explain = explain
    }

    // `settings` is passed to each method rather than kept: a copy per record (a few hundred
    // bytes and the retains of its lists) cost more than several rules.

    mutating func ingest(
        _ record: SessionRecord, fingerprint: RecordFingerprint, origin: RecordOrigin,
        client: inout ClientState, clinician: inout ClinicianState?, settings: Settings
    ) -> AllianceEngine.Outcome {
        // The episode is mutated in place, in its dictionary (disjoint from profile and latest).
        evaluate(
            record, fingerprint: fingerprint, origin: origin,
            episode: &client.episodes[record.episode, default: EpisodeState()],
            profile: &client.profile, latest: &client.latest, clinician: &clinician, settings: settings
        )
    }

    private mutating func evaluate(
        _ record: SessionRecord, fingerprint: RecordFingerprint, origin: RecordOrigin,
        episode: inout EpisodeState, profile: inout ClientProfile, latest: inout LatestSession?,
        clinician: inout ClinicianState?, settings: Settings
    ) -> AllianceEngine.Outcome {
        let (found, index) = episode.index(of: record.session)
        if found {
            if episode.sessions[index].fingerprint == fingerprint { return .duplicate }
            return .conflict(RecordIssue(
                line: origin.line, reason: .conflict, field: nil,
                message: "differs from the stored record for client '\(record.client)' episode '\(record.episode)' session \(record.session)"
            ))
        }
        let late = (episode.highestSession ?? 0) > record.session
        if let update = record.profile { profile.apply(update) }
        episode.sessions.makeRoomForOneMore()
        episode.sessions.insert(StoredSession(session: record.session, fingerprint: fingerprint), at: index)

        let becomesLatest = latest.map { record.date >= $0.date } ?? true
        if becomesLatest {
            latest = LatestSession(
                date: record.date, episode: record.episode, session: record.session,
                clinician: record.clinician, recordID: record.id, source: origin.source,
                episodeEnd: record.episodeEnd, alertPriority: nil
            )
        }
        if late { return .stored(alerts: [], late: true) }

        let atRisk = profile.isAtRisk(settings.risk)
        if record.attendance == .attended {
            for instrument in Instrument.allCases {
                guard let input = seriesInput(record, instrument, settings: settings) else { continue }
                switch instrument {
                case .srs: evaluateSeries(input, series: &episode.srs, session: record.session, atRisk: atRisk, settings: settings)
                case .waiSR: evaluateSeries(input, series: &episode.waiSR, session: record.session, atRisk: atRisk, settings: settings)
                }
            }
            check(.clientTension, nil, ClientTensionRule.evaluate(record.psq, settings: settings, explain: explain))
            check(.outcomeDecline, nil, OutcomeDeclineRule.evaluate(record, episode: &episode, settings: settings, explain: explain))
        }
        check(.missedAfterAlert, nil, MissedAfterAlertRule.evaluate(record, earlier: episode.sessions[..<index], settings: settings, explain: explain))

        // Most records raise nothing: no alert to build, no clinician pattern to count.
        if drafts.isEmpty {
            episode.sessions[index].alertPriority = nil
            if becomesLatest { latest?.alertPriority = nil }
            return .stored(alerts: [], late: false)
        }
        // clinician-pattern counts the pattern alerts this record raises (those enabled).
        if let name = record.clinician, clinician != nil {
            for kind in PatternKind.allCases
            where settings.isEnabled(kind.rule) && drafts.contains(where: { $0.draft.rule == kind.rule }) {
                clinicianPattern(kind, clinician: name, record: record, state: &clinician!, settings: settings)
            }
        }
                let subject = AlertSubject(
            client: record.client, clinician: record.clinician, episode: record.episode,
            session: record.session, date: record.date, recordID: record.id, source: origin.source
        )
        drafts.sort { $0.order < $1.order }
        var alerts: [Alert] = []
        alerts.reserveCapacity(drafts.count)
        // The record's own alerts decide its priority for missed-after-alert and lapse; a
        // clinician-level alert does not.
        var sessionPriority: Priority?
        for (_, draft) in drafts {
            if draft.rule == .clinicianPattern {
                if let name = record.clinician,
                   let alert = AlertBuilder.buildClinicianAlert(draft, clinician: name, date: record.date, source: origin.source, settings: settings) {
                    alerts.append(alert)
                }
                continue
            }
            guard let alert = AlertBuilder.build(draft, about: subject, atRisk: atRisk, settings: settings) else { continue }
            sessionPriority = sessionPriority.map { min($0, alert.priority) } ?? alert.priority
            alerts.append(alert)
        }

        episode.sessions[index].alertPriority = sessionPriority
        if becomesLatest { latest?.alertPriority = sessionPriority }
        return .stored(alerts: alerts, late: false)
    }

    /// Keeps a fired draft in alert order and, for `--explain`, why the rule fired or not.
    private mutating func check(_ rule: RuleID, _ instrument: Instrument?, pattern: PatternKind? = nil, _ verdict: RuleVerdict) {
        switch verdict {
        case .fired(let draft):
            drafts.append((order(draft.rule, instrument, pattern), draft))
            if explain {
                explanations.append(.init(rule: draft.rule, instrument: instrument?.rawValue, fired: true, reason: "fired"))
            }
        case .quiet(let reason):
            if explain {
                explanations.append(.init(rule: rule, instrument: instrument?.rawValue, fired: false, reason: reason))
            }
        }
    }

    private func order(_ rule: RuleID, _ instrument: Instrument?, _ pattern: PatternKind?) -> Int {
        let ruleIndex = RuleID.allCases.firstIndex(of: rule)!
        let instrumentIndex = instrument.map { Instrument.allCases.firstIndex(of: $0)! } ?? 0
        let patternIndex = pattern.map { PatternKind.allCases.firstIndex(of: $0)! } ?? 0
        return ruleIndex * 100 + instrumentIndex * 10 + patternIndex
    }

    private func seriesInput(_ record: SessionRecord, _ instrument: Instrument, settings: Settings) -> SeriesInput? {
        let rigidMarker = record.markers.contains { settings.markers.rigid.contains($0) }
        let uninvolvedMarker = record.markers.contains { settings.markers.uninvolved.contains($0) }
        switch instrument {
        case .srs:
            guard let srs = record.srs else { return nil }
            return SeriesInput(
                instrument: .srs, score: srs.total, bond: srs.bond, agreement: srs.agreement, ratings: .srs(srs),
                rigidMarker: rigidMarker, uninvolvedMarker: uninvolvedMarker, settings: settings.srs,
                markers: record.markers, explain: explain
            )
        case .waiSR:
            guard let wai = record.waiSR else { return nil }
            return SeriesInput(
                instrument: .waiSR, score: wai.score, bond: wai.bond, agreement: wai.agreement, ratings: .waiSR(wai),
                rigidMarker: rigidMarker, uninvolvedMarker: uninvolvedMarker, settings: settings.waiSR,
                markers: record.markers, explain: explain
            )
        }
    }

    private mutating func evaluateSeries(_ input: SeriesInput, series: inout SeriesState, session: Int, atRisk: Bool, settings: Settings) {
        let instrument = input.instrument
        let previous = series.entries.last?.score
        check(.belowCutoff, instrument, BelowCutoffRule.evaluate(input, previous: previous))

        var opening: OpenRupture?
        if settings.isEnabled(.rupture) {
            let rupture = RuptureRule.evaluate(input, series: series, settings: settings)
            opening = rupture.opening
            check(.rupture, instrument, rupture.verdict)
        } else {
            check(.rupture, instrument, .quiet("disabled: a disabled rupture never opens"))
        }
        check(.dip, instrument, DipRule.evaluate(input, previous: previous, ruptureFires: opening != nil))

        if let open = series.rupture {
            switch RepairRule.evaluate(input, rupture: open, settings: settings) {
            case .stillOpen(let rupture):
                series.rupture = rupture
                check(.repaired, instrument, input.quiet(
                    "\(input.name) \(input.shownScore) is below the repair level "
                        + "\(input.show(rupture.reference - settings.rupture.repairMargin * rupture.spread)) "
                        + "(reference \(input.show(rupture.reference)) - \(Decimal4.format(settings.rupture.repairMargin, decimals: 2)) x spread "
                        + "\(input.show(rupture.spread))); \(rupture.entriesSince) of repair_window \(settings.rupture.repairWindow) scores since the rupture"
                ))
            case .closed(let verdict):
                series.rupture = nil
                check(verdict.draft?.rule ?? .repaired, instrument, verdict)
            }
        }

        let decline = DeclineRule.evaluate(input, series: series, opensRupture: opening != nil, settings: settings)
        series.cusum = decline.cusum
        series.declineArmed = decline.armed
        check(.decline, instrument, decline.verdict)

        series.entries.makeRoomForOneMore()
        series.entries.append(SeriesEntry(
            score: input.score, session: session, openedRupture: opening != nil,
            rigid: PatternRule.shows(.rigid, input), uninvolved: PatternRule.shows(.uninvolved, input),
            rigidMarker: input.rigidMarker, uninvolvedMarker: input.uninvolvedMarker
        ))
        let rigid = PatternRule.evaluate(.rigid, input, entries: series.entries, armed: series.rigidArmed, settings: settings)
        series.rigidArmed = rigid.armed
        check(.rigidPattern, instrument, pattern: .rigid, rigid.verdict)
        let uninvolved = PatternRule.evaluate(.uninvolved, input, entries: series.entries, armed: series.uninvolvedArmed, settings: settings)
        series.uninvolvedArmed = uninvolved.armed
        check(.uninvolvedPattern, instrument, pattern: .uninvolved, uninvolved.verdict)

        check(.earlyRisk, instrument, EarlyRiskRule.evaluate(input, session: session, atRisk: atRisk, settings: settings))
        if let opening { series.rupture = opening }
    }

    /// Records a pattern alert with the clinician's state and keeps the clinician-level draft,
    /// if the rule fires, in alert order.
    private mutating func clinicianPattern(_ kind: PatternKind, clinician name: String, record: SessionRecord, state: inout ClinicianState, settings: Settings) {
        // Mutated in place: a copy would copy the clinician's pattern history.
        let (verdict, _) = state.withHistory(of: kind) { history in
            ClinicianPatternRule.evaluate(kind, client: record.client, date: record.date, history: &history, settings: settings, explain: explain)
        }
        switch verdict {
        case .quiet(let reason):
            if explain { explanations.append(.init(rule: .clinicianPattern, instrument: nil, fired: false, reason: reason)) }
        case .fired(let draft):
            drafts.append((order(.clinicianPattern, nil, kind), draft))
        }
    }
}

extension Array {
    /// Grows a history array before it is full: by four places up to sixteen, then by half.
    /// Arrays of their own grow one place at a time at first (a reallocation at every second
    /// record of a new episode) and then double (a client of ten sessions held sixteen places
    /// in each of its histories); across 100,000 clients the spare places were 20 MB.
    mutating func makeRoomForOneMore() {
        guard count == capacity else { return }
        reserveCapacity(count < 16 ? count + 4 : count + count / 2)
    }
}
