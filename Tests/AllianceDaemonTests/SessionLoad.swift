import AllianceCore
import Foundation

/// A deterministic load of session records for the backlog tests: weekly sessions from
/// 2025-01-06, clients interleaved in date order, mostly near the SRS ceiling, with dips,
/// ruptures, slow declines, markers, tension, ORS and no-shows (the mix of
/// `scripts/generate-records.py`), one JSON line per record.
struct SessionLoad {
    let clients: Int
    let sessionsPerClient: Int

    /// SplitMix64: the same records on every run and platform.
    private struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        /// Uniform in [0, 1).
        mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
    }

    /// The records in date order (week by week, client by client).
    func records() -> [String] {
        var random = Random(state: 7)
        let kinds = (0..<clients).map { _ in random.unit() }
        let levels = (0..<clients).map { _ in [36.0, 37.5, 38.5, 39.0, 39.5, 40.0][Int(random.next() % 6)] }
        let start = CalendarDate(year: 2025, month: 1, day: 6)!
        var lines: [String] = []
        for week in 0..<sessionsPerClient {
            for client in 0..<clients {
                let kind = kinds[client]
                let date = start.adding(days: 7 * week + client % 5)
                var fields = [
                    #""schema":1"#, #""client":"C-\#(Self.padded(client, 5))""#,
                    #""clinician":"T-\#(Self.padded(client % 40, 3))""#, #""session":\#(week + 1)"#, #""date":"\#(date)""#,
                ]
                if week == 0 && kind < 0.08 {
                    fields.append(#""profile":{"substance_use":true,"diagnoses":["F10.20"],"motivation":{"ruler":\#([2, 3, 5, 7][Int(random.next() % 4)])}}"#)
                }
                if week > 0 && random.unit() < 0.03 {
                    fields.append(#""attendance":"\#(["no-show", "cancelled-client", "cancelled-service"][Int(random.next() % 3)])""#)
                    lines.append("{" + fields.joined(separator: ",") + "}")
                    continue
                }
                var level = levels[client]
                if kind > 0.9 { level -= 0.6 * Double(week) }  // slow decline
                if kind > 0.85 && kind <= 0.9 && week == 5 { level -= 8 }  // rupture
                let noise = (random.unit() + random.unit() + random.unit() - 1.5) * 1.4
                let quarter = (min(40, max(0, level + noise)) / 4 * 10).rounded() / 10
                let approach = random.unit() < 0.05 ? max(0, ((quarter - 2.2) * 10).rounded() / 10) : quarter
                fields.append(#""srs":{"relationship":\#(quarter),"goals":\#(quarter),"approach":\#(approach),"overall":\#(quarter)}"#)
                if kind < 0.25 {
                    let base = kind > 0.05 ? 4 : 3
                    let items = (0..<12).map { _ in max(1, min(5, base + [0, 0, 0, 1, -1][Int(random.next() % 5)])) }
                    fields.append(#""wai_sr":[\#(items.map(String.init).joined(separator: ","))]"#)
                }
                if random.unit() < 0.04 {
                    fields.append(#""markers":["\#(["rigid", "over-structuring", "distant", "distracted"][Int(random.next() % 4)])"]"#)
                }
                if random.unit() < 0.05 {
                    fields.append(#""psq":{"tension":true,"intensity":\#(1 + random.next() % 5),"resolution":\#(1 + random.next() % 5)}"#)
                }
                if random.unit() < 0.2 {
                    let value = ((4 + random.unit() * 4) * 10).rounded() / 10
                    fields.append(#""ors":{"individually":\#(value),"interpersonally":\#(value),"socially":\#(value),"overall":\#(value)}"#)
                }
                lines.append("{" + fields.joined(separator: ",") + "}")
            }
        }
        return lines
    }

    /// `value` in decimal with leading zeros to `width` digits (String(format:) is slow here).
    static func padded(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    /// Writes each record as its own file `folder/names[i]`, with modification times one second
    /// apart in record order (the oldest first), so that the daemon's backlog order is the
    /// record order whatever the names.
    static func writeFiles(_ records: [String], names: [String], into folder: String) throws {
        precondition(records.count == names.count)
        let base = time(nil) - 100_000
        for (index, (record, name)) in zip(records, names).enumerated() {
            let path = folder + "/" + name
            let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o640)
            guard descriptor >= 0 else { throw HarnessError("create \(path): \(errno)") }
            let line = Array((record + "\n").utf8)
            let written = line.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            let stamp = timespec(tv_sec: base + index, tv_nsec: 0)
            let stamped = futimens(descriptor, [stamp, stamp])
            close(descriptor)
            guard written == line.count, stamped == 0 else { throw HarnessError("write \(path): \(errno)") }
        }
    }
}
