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
/// A class of constants: a draft passes from the rule through the engine into its alert and on
/// to `replay`'s writer, shared instead of copied. Its text (the shown numbers, headline and
/// detail) is written by a closure when an alert's text is asked for: the engine needs only the
/// rule, instrument, pattern and escalation, and formatting on its thread cost a sixth of it.
public final class AlertDraft: Hashable, Sendable {
    public let rule: RuleID
    public let instrument: String?
    public let pattern: PatternKind?
    /// Rule-specific escalation (client-tension): the priority may not be milder than this.
    public let atLeast: Priority?
    private let write: @Sendable () -> AlertText

    /// A draft whose text `write` makes when it is needed; it must be a pure function of the
    /// values it captures.
    init(
        rule: RuleID, instrument: String? = nil, pattern: PatternKind? = nil, atLeast: Priority? = nil,
        text write: @escaping @Sendable () -> AlertText
    ) {
        self.rule = rule
        self.instrument = instrument
        self.pattern = pattern
        self.atLeast = atLeast
        self.write = write
    }

    /// A draft with its text already written.
    public convenience init(
        rule: RuleID, instrument: String? = nil, score: String? = nil, threshold: String? = nil,
        baseline: String? = nil, items: String? = nil, pattern: PatternKind? = nil,
        headline: String, detail: String, atLeast: Priority? = nil
    ) {
        let text = AlertText(score: score, threshold: threshold, baseline: baseline, items: items, headline: headline, detail: detail)
        self.init(rule: rule, instrument: instrument, pattern: pattern, atLeast: atLeast) { text }
    }

    /// The draft's text, written anew at each call: read it once per use.
    public var text: AlertText { write() }

    public static func == (lhs: AlertDraft, rhs: AlertDraft) -> Bool {
        lhs.rule == rhs.rule && lhs.instrument == rhs.instrument && lhs.pattern == rhs.pattern
            && lhs.atLeast == rhs.atLeast && lhs.text == rhs.text
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(rule)
        hasher.combine(instrument)
    }
}

/// The text of a draft: `ALLIANCE_SCORE`, `_THRESHOLD`, `_BASELINE`, `_ITEMS` and the message's
/// headline and detail.
public struct AlertText: Hashable, Sendable {
    /// `ALLIANCE_SCORE`, `_THRESHOLD`, `_BASELINE` and `_ITEMS`.
    public var score: String?
    public var threshold: String?
    public var baseline: String?
    public var items: String?
    /// The part of MESSAGE after `client … session N`: `: SRS 31.0, down 7.0 …`.
    public var headline: String
    public var detail: String

    public init(score: String? = nil, threshold: String? = nil, baseline: String? = nil, items: String? = nil, headline: String, detail: String) {
        self.score = score
        self.threshold = threshold
        self.baseline = baseline
        self.items = items
        self.headline = headline
        self.detail = detail
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
    /// The session's marker codes (the pattern alerts name those of the pattern's family).
    var markers: [String] = []
    /// Whether quiet verdicts say why (`replay --explain`); otherwise their reason is not written.
    var explain = false

    /// A quiet verdict whose reason, with the values compared, is written only when explaining.
    func quiet(_ reason: @autoclosure () -> String) -> RuleVerdict { .quiet(explain ? reason() : "") }

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

/// A quiet verdict whose reason is written only when `explain` (`replay --explain`): the rules
/// run for every record, and most verdicts are quiet.
func quietVerdict(_ explain: Bool, _ reason: @autoclosure () -> String) -> RuleVerdict { .quiet(explain ? reason() : "") }

/// Two decimals for rci, z and h (SPEC §6.1).
func showStatistic(_ value: Double) -> String { Decimal4.format(value, decimals: 2) }
