/// Every threshold and switch of SPEC §7, with the defaults of SPEC §4–§7.
///
/// `AllianceConfig` builds this from a TOML file; the core only reads it.
public struct Settings: Hashable, Sendable {
    public var spool = Spool()
    public var state = State()
    public var baseline = Baseline()
    public var srs = InstrumentSettings.srsDefaults
    public var waiSR = InstrumentSettings.waiSRDefaults
    public var rupture = Rupture()
    public var decline = Decline()
    public var pattern = Pattern()
    public var markers = Markers()
    public var risk = Risk()
    public var tension = Tension()
    public var missed = Missed()
    public var outcome = Outcome()
    public var clinician = Clinician()
    public var lapse = Lapse()
    public var digest = Digest()
    /// `[rules.<id>]`; a rule without an entry is enabled with its base priority.
    public var rules: [RuleID: RuleSettings] = [:]

    public init() {}

    public struct Spool: Hashable, Sendable {
        public var directory = "/var/spool/alliance-watch"
        public var maxFileBytes = 8_388_608
        public var keepProcessedDays = 30
        public init() {}
    }

    public struct State: Hashable, Sendable {
        public var path = "/var/lib/alliance-watch/state.sqlite"
        public init() {}
    }

    public struct Baseline: Hashable, Sendable {
        public var sessions = 3
        public var window = 8
        public var minHistory = 3
        public init() {}
    }

    public struct Rupture: Hashable, Sendable {
        public var z = -2.0
        public var repairWindow = 3
        public var repairMargin = 0.5
        public init() {}
    }

    public struct Decline: Hashable, Sendable {
        public var k = 0.5
        public var h = 3.0
        public init() {}
    }

    public struct Pattern: Hashable, Sendable {
        public var window = 3
        public var minSessions = 2
        public init() {}
    }

    public struct Markers: Hashable, Sendable {
        public var rigid = ["rigid", "over-structuring", "unyielding-interpretation", "critical"]
        public var uninvolved = [
            "uninvolved", "distant", "distracted", "not-listening",
            "inappropriate-silence", "inappropriate-self-disclosure",
        ]
        public init() {}

        /// Whether `marker` belongs to any family.
        public func isKnown(_ marker: String) -> Bool {
            rigid.contains(marker) || uninvolved.contains(marker)
        }
    }

    public struct Risk: Hashable, Sendable {
        public var earlySessions = 3
        public var rulerLowMax = 3.0
        public var uricaLowBelow = 10.15
        public var excludedCodes = ["F17"]
        public init() {}
    }

    public struct Tension: Hashable, Sendable {
        public var minIntensity = 3
        public init() {}
    }

    public struct Missed: Hashable, Sendable {
        public var window = 2
        public init() {}
    }

    public struct Outcome: Hashable, Sendable {
        public var rci = 5.0
        public init() {}
    }

    public struct Clinician: Hashable, Sendable {
        public var minClients = 3
        public var windowDays = 30
        public init() {}
    }

    public struct Lapse: Hashable, Sendable {
        public var days = 21
        public var maxDays = 90
        public init() {}
        public init(days: Int, maxDays: Int) {
            self.days = days
            self.maxDays = maxDays
        }
    }

    /// `[digest]`: the daily summary of the attention list (SPEC §6.5).
    public struct Digest: Hashable, Sendable {
        public var enabled = true
        /// The local hour from which the day's digest is written.
        public var hour = 7
        /// How many days back an alert keeps a client on the attention list.
        public var days = 28
        public init() {}
    }

    public struct RuleSettings: Hashable, Sendable {
        public var enabled: Bool
        /// Replaces the rule's base priority when set.
        public var priority: Priority?
        public init(enabled: Bool = true, priority: Priority? = nil) {
            self.enabled = enabled
            self.priority = priority
        }
    }

    /// The settings of one alliance instrument.
    public func instrument(_ instrument: Instrument) -> InstrumentSettings {
        switch instrument {
        case .srs: return srs
        case .waiSR: return waiSR
        }
    }

    public func isEnabled(_ rule: RuleID) -> Bool { rules[rule]?.enabled ?? true }

    /// The configured priority of `rule`, or its base priority.
    public func priority(of rule: RuleID) -> Priority { rules[rule]?.priority ?? rule.basePriority }
}

/// Per-instrument parameters (`[instruments.srs]`, `[instruments.wai_sr]`, SPEC §4).
public struct InstrumentSettings: Hashable, Sendable {
    public var cutoff: Double
    public var earlyCutoff: Double
    public var sd: Double
    public var reliability: Double
    public var sdFloor: Double
    public var dip: Double
    public var componentCutoff: Double
    public var rigidGap: Double
    public var uninvolvedGap: Double

    public init(
        cutoff: Double, earlyCutoff: Double, sd: Double, reliability: Double, sdFloor: Double,
        dip: Double, componentCutoff: Double, rigidGap: Double, uninvolvedGap: Double
    ) {
        self.cutoff = cutoff
        self.earlyCutoff = earlyCutoff
        self.sd = sd
        self.reliability = reliability
        self.sdFloor = sdFloor
        self.dip = dip
        self.componentCutoff = componentCutoff
        self.rigidGap = rigidGap
        self.uninvolvedGap = uninvolvedGap
    }

    public static let srsDefaults = InstrumentSettings(
        cutoff: 36, earlyCutoff: 38, sd: 4.0, reliability: 0.62, sdFloor: 2.2,
        dip: 1.0, componentCutoff: 9.0, rigidGap: 2.0, uninvolvedGap: 1.5
    )

    public static let waiSRDefaults = InstrumentSettings(
        cutoff: 3.0, earlyCutoff: 3.5, sd: 0.7, reliability: 0.85, sdFloor: 0.27,
        dip: 0.25, componentCutoff: 3.5, rigidGap: 0.75, uninvolvedGap: 0.5
    )

    /// Reliable change index, 1.96 × √2 × sd × √(1 − reliability) (Jacobson & Truax 1991).
    public var rci: Double { 1.96 * 2.0.squareRoot() * sd * (1 - reliability).squareRoot() }
}
