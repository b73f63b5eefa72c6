/// A session's inline `profile` and its `motivation` (SPEC §3.2).
extension RecordValidator {
    func profileUpdate(_ tape: JSONTape, _ value: Int) throws(RecordProblem) -> ProfileUpdate {
        guard tape[value].kind == .object else { throw wrongType("an object", tape, value, path: "profile") }
        var update = ProfileUpdate()
        var key = tape.firstChild(value)
        for _ in 0..<tape[value].count {
            let item = key + 1
            defer { key = tape[item].next }
            guard let field = try knownKey(tape, key, RecordKey.Profile.self, prefix: "profile.") else { continue }
            switch field {
            case .substanceUse: update.substanceUse = try boolean(tape, item, path: "profile.substance_use")
            case .diagnoses: update.diagnoses = try diagnoses(tape, item, path: "profile.diagnoses")
            case .motivation: update.motivation = try motivation(tape, item, path: "profile.motivation")
            }
        }
        return update
    }

    /// At least one of `ruler` (0–10), `urica` (−5–15), `level` (low, moderate, high).
    func motivation(_ tape: JSONTape, _ value: Int, path: String) throws(RecordProblem) -> Motivation {
        guard tape[value].kind == .object else { throw wrongType("an object", tape, value, path: path) }
        var motivation = Motivation()
        var key = tape.firstChild(value)
        for _ in 0..<tape[value].count {
            let item = key + 1
            defer { key = tape[item].next }
            guard let field = try knownKey(tape, key, RecordKey.Motivation.self, prefix: path + ".") else { continue }
            switch field {
            case .ruler: motivation.ruler = try number(tape, item, in: 0...10, shown: "0…10", path: path + ".ruler")
            case .urica: motivation.urica = try number(tape, item, in: -5...15, shown: "-5…15", path: path + ".urica")
            case .level:
                let text = try string(tape, item, path: path + ".level")
                guard let level = Motivation.Level(rawValue: text) else {
                    throw RecordProblem(reason: .outOfRange, field: path + ".level", message: "\(IssueText.quoted(text)) is not one of low, moderate, high")
                }
                motivation.level = level
            }
        }
        if motivation.ruler == nil, motivation.urica == nil, motivation.level == nil {
            throw RecordProblem(reason: .missingField, field: path, message: "expected at least one of 'ruler', 'urica' or 'level'")
        }
        return motivation
    }
}
