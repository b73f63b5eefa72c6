/// What a rule concluded for one entry: an alert to raise, or why not.
public enum RuleVerdict: Hashable, Sendable {
    case fired(AlertDraft)
    case quiet(String)

    var draft: AlertDraft? {
        if case .fired(let draft) = self { return draft }
        return nil
    }
}

/// The rule-specific part of an alert; `AlertBuilder` adds the record's fields and the priority.
///
/// A class of constants: a draft passes from the rule through the engine into its alert and
/// on to `replay`'s writer, and is shared on the way instead of copied field by field.
public final class AlertDraft: Hashable, Sendable {
    public let rule: RuleID
    public let instrument: String?
    public let score: String?
    public let threshold: String?
    public let baseline: String?
    public let items: String?
    public let pattern: PatternKind?
    /// The part of MESSAGE after `client … session N`: `: SRS 31.0, down 7.0 …`.
    public let headline: String
    public let detail: String
    /// Rule-specific escalation (client-tension): the priority may not be milder than this.
    public let atLeast: Priority?

    public init(
        rule: RuleID, instrument: String? = nil, score: String? = nil, threshold: String? = nil,
        baseline: String? = nil, items: String? = nil, pattern: PatternKind? = nil,
        headline: String, detail: String, atLeast: Priority? = nil
    ) {
        self.rule = rule
        self.instrument = instrument
        self.score = score
        self.threshold = threshold
        self.baseline = baseline
        self.items = items
        self.pattern = pattern
        self.headline = headline
        self.detail = detail
        self.atLeast = atLeast
    }

    public static func == (lhs: AlertDraft, rhs: AlertDraft) -> Bool {
        lhs.rule == rhs.rule && lhs.instrument == rhs.instrument && lhs.score == rhs.score
            && lhs.threshold == rhs.threshold && lhs.baseline == rhs.baseline && lhs.items == rhs.items
            && lhs.pattern == rhs.pattern && lhs.headline == rhs.headline && lhs.detail == rhs.detail
            && lhs.atLeast == rhs.atLeast
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(rule)
        hasher.combine(instrument)
        hasher.combine(headline)
    }
}

/// One series entry being evaluated: the score, its components and the instrument's settings.
struct SeriesInput {
    var instrument: Instrument
    var score: Double
    var bond: Double
    var agreement: Double
    /// The ratings behind the score, for `ALLIANCE_ITEMS` (formatted only when an alert fires).
    var ratings: Ratings
    var rigidMarker: Bool
    var uninvolvedMarker: Bool
    var settings: InstrumentSettings

    enum Ratings {
        case srs(SRSRatings)
        case waiSR(WAISRRatings)
    }

    /// `relationship=9.1 goals=8.0 approach=5.5 overall=7.0` or `bond=3.75 task=2.50 goal=3.00`.
    var items: String {
        var text = ""
        switch ratings {
        case .srs(let srs):
            text.reserveCapacity(60)
            text += "relationship="
            text += Decimal4.format(srs.relationship, decimals: 1)
            text += " goals="
            text += Decimal4.format(srs.goals, decimals: 1)
            text += " approach="
            text += Decimal4.format(srs.approach, decimals: 1)
            text += " overall="
            text += Decimal4.format(srs.overall, decimals: 1)
        case .waiSR(let wai):
            text.reserveCapacity(32)
            text += "bond="
            text += Decimal4.format(wai.bond, decimals: 2)
            text += " task="
            text += Decimal4.format(wai.task, decimals: 2)
            text += " goal="
            text += Decimal4.format(wai.goal, decimals: 2)
        }
        return text
    }

    func show(_ value: Double) -> String { Decimal4.format(value, decimals: instrument.decimals) }
    var shownScore: String { show(score) }
    var name: String { instrument.displayName }
}

/// Two decimals for rci, z and h (SPEC §6.1).
func showStatistic(_ value: Double) -> String { Decimal4.format(value, decimals: 2) }
