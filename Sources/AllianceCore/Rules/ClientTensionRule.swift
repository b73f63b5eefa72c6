/// `client-tension`: the client reported tension on the Post-Session Questionnaire (Muran et al.
/// 2009); warning when it was intense or poorly resolved.
enum ClientTensionRule {
    static func evaluate(_ psq: PSQRatings?, settings: Settings, explain: Bool = false) -> RuleVerdict {
        guard let psq, psq.tension, let intensity = psq.intensity else { return quietVerdict(explain, "no tension reported") }
        guard intensity >= settings.tension.minIntensity else {
            return quietVerdict(explain, "intensity \(intensity) is below min_intensity \(settings.tension.minIntensity)")
        }
        let resolution = psq.resolution
        let severe = intensity >= 4 || (resolution.map { $0 <= 2 } ?? false)
        var items = "intensity=\(intensity)"
        var resolved = ""
        if let resolution {
            items += " resolution=\(resolution)"
            resolved = ", resolved \(resolution)/5"
        }
        return .fired(AlertDraft(
            rule: .clientTension, score: String(intensity), threshold: String(settings.tension.minIntensity),
            items: items,
            headline: "intensity \(intensity)/5\(resolved)",
            detail: "Consider revisiting it early in the next session.",
            atLeast: severe ? .warning : nil
        ))
    }
}
