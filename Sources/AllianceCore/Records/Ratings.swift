/// Session Rating Scale: four 0–10 visual-analogue items.
public struct SRSRatings: Hashable, Sendable, Codable {
    public var relationship: Double
    public var goals: Double
    public var approach: Double
    public var overall: Double

    public init(relationship: Double, goals: Double, approach: Double, overall: Double) {
        self.relationship = relationship
        self.goals = goals
        self.approach = approach
        self.overall = overall
    }

    /// Total, 0–40.
    public var total: Double { relationship + goals + approach + overall }
    /// Bond component: the relationship item.
    public var bond: Double { relationship }
    /// Agreement component: the lower of goals and approach.
    public var agreement: Double { min(goals, approach) }
}

/// Working Alliance Inventory – Short Revised: 12 items, 1–5, in item order.
public struct WAISRRatings: Hashable, Sendable, Codable {
    public var items: [Int]

    public init(items: [Int]) { self.items = items }

    /// Mean of four items, by 1-based item number.
    private func mean(_ a: Int, _ b: Int, _ c: Int, _ d: Int) -> Double {
        Double(items[a - 1] + items[b - 1] + items[c - 1] + items[d - 1]) / 4
    }

    /// Mean of the 12 items, 1–5.
    public var score: Double { Double(items.reduce(0, +)) / Double(items.count) }
    /// Bond subscale: items 3, 5, 7, 9.
    public var bond: Double { mean(3, 5, 7, 9) }
    /// Task subscale: items 1, 2, 10, 12.
    public var task: Double { mean(1, 2, 10, 12) }
    /// Goal subscale: items 4, 6, 8, 11.
    public var goal: Double { mean(4, 6, 8, 11) }
    /// Agreement component: the lower of Task and Goal.
    public var agreement: Double { min(task, goal) }
}

/// Post-Session Questionnaire rupture items.
public struct PSQRatings: Hashable, Sendable, Codable {
    public var tension: Bool
    public var intensity: Int?
    public var resolution: Int?

    public init(tension: Bool, intensity: Int? = nil, resolution: Int? = nil) {
        self.tension = tension
        self.intensity = intensity
        self.resolution = resolution
    }
}

/// Outcome Rating Scale: four 0–10 items.
public struct ORSRatings: Hashable, Sendable, Codable {
    public var individually: Double
    public var interpersonally: Double
    public var socially: Double
    public var overall: Double

    public init(individually: Double, interpersonally: Double, socially: Double, overall: Double) {
        self.individually = individually
        self.interpersonally = interpersonally
        self.socially = socially
        self.overall = overall
    }

    /// Total, 0–40.
    public var total: Double { individually + interpersonally + socially + overall }
}
