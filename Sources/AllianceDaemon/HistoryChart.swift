import AllianceCore

/// A small text chart of one instrument's scores over sessions against its cutoff, in plain
/// ASCII so that it reads the same in any terminal, pager or log (at most 80 columns).
///
/// ```
/// SRS total, episode 1 (* score, --- cutoff 36.0)
///   40.0 |
///   38.0 |  *
///   36.0 |-----*-----
///   34.0 |        *
///        +------------
///          1  2  3  4
/// ```
///
/// Rows are a grid anchored on the cutoff, so the cutoff is always exactly one row. A score goes
/// on the highest row at or below it (compared at 4 decimals, like the rules): a score on the
/// cutoff line is not low, and every low score is drawn below the line.
public struct HistoryChart: Sendable {
    /// One plotted session.
    public struct Point: Hashable, Sendable {
        public var session: Int
        public var score: Double
        public init(session: Int, score: Double) {
            self.session = session
            self.score = score
        }
    }

    public var title: String
    public var points: [Point]
    public var cutoff: Double
    public var decimals: Int
    /// Candidate row steps, smallest first; the first that fits `maximumRows` is used.
    public var steps: [Double]

    public static let width = 80
    static let maximumRows = 11
    static let cellWidth = 3
    /// Row labels are right-aligned in this many columns ("  40.0", "  4.25"), then " |".
    static let labelWidth = 6

    public init(title: String, points: [Point], cutoff: Double, decimals: Int, steps: [Double]) {
        self.title = title
        self.points = points
        self.cutoff = cutoff
        self.decimals = decimals
        self.steps = steps
    }

    /// SRS totals (0–40).
    public static func srs(title: String, points: [Point], cutoff: Double) -> HistoryChart {
        HistoryChart(title: title, points: points, cutoff: cutoff, decimals: 1, steps: [0.5, 1, 2, 4, 5, 10, 20])
    }

    /// WAI-SR means (1–5).
    public static func waiSR(title: String, points: [Point], cutoff: Double) -> HistoryChart {
        HistoryChart(title: title, points: points, cutoff: cutoff, decimals: 2, steps: [0.25, 0.5, 1, 2])
    }

    public func render() -> [String] {
        guard !points.isEmpty else { return [] }
        let labelWidth = HistoryChart.labelWidth
        let gutter = labelWidth + 2
        let capacity = (HistoryChart.width - gutter) / HistoryChart.cellWidth
        let shown = Array(points.suffix(capacity))
        var lines = [shown.count < points.count ? "\(title), last \(shown.count) of \(points.count) sessions" : title]

        let (step, top, bottom) = grid(for: shown)
        let plotWidth = shown.count * HistoryChart.cellWidth
        for row in stride(from: top, through: bottom, by: -1) {
            var cells = Array(repeating: Character(row == 0 ? "-" : " "), count: plotWidth)
            for (column, point) in shown.enumerated() where rowIndex(of: point.score, step: step) == row {
                cells[column * HistoryChart.cellWidth + HistoryChart.cellWidth - 1] = "*"
            }
            let label = Decimal4.format(cutoff + Double(row) * step, decimals: labelDecimals(step))
            var line = pad(label, labelWidth) + " |" + String(cells)
            while line.last == " " { line.removeLast() }
            lines.append(line)
        }
        lines.append(String(repeating: " ", count: labelWidth + 1) + "+" + String(repeating: "-", count: plotWidth))
        lines.append(axisLabels(shown, gutter: gutter))
        return lines
    }

    /// Row k holds the scores in [cutoff + k·step, cutoff + (k+1)·step), at 4 decimals.
    private func rowIndex(of score: Double, step: Double) -> Int {
        let offset = Decimal4.units(score) - Decimal4.units(cutoff)
        let unit = Decimal4.units(step)
        let quotient = offset / unit
        return Int(offset % unit < 0 ? quotient - 1 : quotient)
    }

    private func grid(for shown: [Point]) -> (step: Double, top: Int, bottom: Int) {
        var choice: (step: Double, top: Int, bottom: Int)?
        for step in steps {
            let rows = shown.map { rowIndex(of: $0.score, step: step) } + [0]
            let candidate = (step, rows.max()!, rows.min()!)
            choice = candidate
            if candidate.1 - candidate.2 + 1 <= HistoryChart.maximumRows { break }
        }
        return choice!
    }

    private func labelDecimals(_ step: Double) -> Int {
        Decimal4.units(step) % 1000 != 0 ? max(decimals, 2) : decimals
    }

    /// Session numbers under their columns, each right-aligned under its point, leaving out any
    /// that would touch the previous one.
    private func axisLabels(_ shown: [Point], gutter: Int) -> String {
        var line = Array(repeating: Character(" "), count: gutter + shown.count * HistoryChart.cellWidth)
        var previousEnd = Int.min
        for (column, point) in shown.enumerated() {
            let label = Array(String(point.session))
            let end = gutter + (column + 1) * HistoryChart.cellWidth
            let start = end - label.count
            guard start >= 0, previousEnd == Int.min || start > previousEnd else { continue }
            line.replaceSubrange(start..<end, with: label)
            previousEnd = end
        }
        while line.last == " " { line.removeLast() }
        return String(line)
    }

    private func pad(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }
}
