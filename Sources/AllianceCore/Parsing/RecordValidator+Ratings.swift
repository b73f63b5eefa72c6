/// The rating objects of a session: `srs`, `wai_sr`, `psq`, `ors` (SPEC §3.1).
extension RecordValidator {
    func srs(_ tape: JSONTape, _ value: Int) throws(RecordProblem) -> SRSRatings {
        let items = try fourItems(tape, value, RecordKey.SRS.self, path: "srs")
        return SRSRatings(relationship: items.0, goals: items.1, approach: items.2, overall: items.3)
    }

    func ors(_ tape: JSONTape, _ value: Int) throws(RecordProblem) -> ORSRatings {
        let items = try fourItems(tape, value, RecordKey.ORS.self, path: "ors")
        return ORSRatings(individually: items.0, interpersonally: items.1, socially: items.2, overall: items.3)
    }

    /// An object with exactly the four keys of `Key`, each a number 0–10, in `Key` order.
    private func fourItems<Key: RecordKeySet & RawRepresentable<Int>>(_ tape: JSONTape, _ value: Int, _: Key.Type, path: String) throws(RecordProblem) -> (Double, Double, Double, Double) {
        guard tape[value].kind == .object else { throw wrongType("an object", tape, value, path: path) }
        var items: (Double?, Double?, Double?, Double?) = (nil, nil, nil, nil)
        var key = tape.firstChild(value)
        for _ in 0..<tape[value].count {
            let item = key + 1
            defer { key = tape[item].next }
            guard let field = try knownKey(tape, key, Key.self, prefix: path + ".") else { continue }
            let number = try number(tape, item, in: 0...10, shown: "0…10", path: path + "." + field.name)
            switch field.rawValue {
            case 0: items.0 = number
            case 1: items.1 = number
            case 2: items.2 = number
            default: items.3 = number
            }
        }
        guard let first = items.0, let second = items.1, let third = items.2, let fourth = items.3 else {
            let missing = [items.0, items.1, items.2, items.3].firstIndex { $0 == nil } ?? 0
            throw missingField(path + "." + Key(rawValue: missing)!.name)
        }
        return (first, second, third, fourth)
    }

    /// Exactly 12 integers 1–5 in item order.
    func waiSR(_ tape: JSONTape, _ value: Int) throws(RecordProblem) -> WAISRRatings {
        guard tape[value].kind == .array else { throw wrongType("an array", tape, value, path: "wai_sr") }
        let count = tape[value].count
        guard count == 12 else {
            throw RecordProblem(reason: .wrongLength, field: "wai_sr", message: "expected 12 items, got \(count)")
        }
        var items: [Int] = []
        items.reserveCapacity(12)
        var item = tape.firstChild(value)
        for index in 0..<12 {
            items.append(try integer(tape, item, in: 1...5, shown: "1…5", path: "wai_sr[\(index)]"))
            item = tape[item].next
        }
        return WAISRRatings(items: items)
    }

    /// `tension`, and when it is true also `intensity` and `resolution` (integers 1–5).
    func psq(_ tape: JSONTape, _ value: Int) throws(RecordProblem) -> PSQRatings {
        guard tape[value].kind == .object else { throw wrongType("an object", tape, value, path: "psq") }
        var tension: Bool?
        var intensity: Int?
        var resolution: Int?
        var key = tape.firstChild(value)
        for _ in 0..<tape[value].count {
            let item = key + 1
            defer { key = tape[item].next }
            guard let field = try knownKey(tape, key, RecordKey.PSQ.self, prefix: "psq.") else { continue }
            switch field {
            case .tension: tension = try boolean(tape, item, path: "psq.tension")
            case .intensity: intensity = try integer(tape, item, in: 1...5, shown: "1…5", path: "psq.intensity")
            case .resolution: resolution = try integer(tape, item, in: 1...5, shown: "1…5", path: "psq.resolution")
            }
        }
        guard let tension else { throw missingField("psq.tension") }
        if tension {
            for (name, item) in [("intensity", intensity), ("resolution", resolution)] where item == nil {
                throw RecordProblem(reason: .missingField, field: "psq." + name, message: "'\(name)' is required when tension is true")
            }
        }
        return PSQRatings(tension: tension, intensity: intensity, resolution: resolution)
    }
}
