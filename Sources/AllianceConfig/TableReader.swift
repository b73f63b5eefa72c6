import AllianceCore
import TOMLKit

/// A problem with one key, before it is located in the text.
struct ConfigProblem {
    var path: ConfigKeyPath
    var message: String
}

/// The problems of one document, shared by the readers of its tables.
final class ProblemLog {
    private(set) var problems: [ConfigProblem] = []

    func report(_ path: ConfigKeyPath, _ message: String) {
        problems.append(ConfigProblem(path: path, message: message))
    }
}

/// What became of a key a reader was asked for.
enum ReadOutcome {
    /// The file does not set it; the target keeps its default.
    case absent
    /// The file sets it to a valid value, now stored in the target.
    case valid
    /// The file sets it to a bad value, which was reported; the target keeps its default.
    case invalid
}

/// Reads the keys of one TOML table into settings, reporting every bad value, and, once the
/// schema has asked for all the keys it knows, every key it did not ask for.
///
/// It walks TOMLKit's values itself rather than decoding with `Codable`: TOMLKit's decoder traps
/// on integer overflow, reports type errors as missing keys and rejects `2` for a `Double`.
final class TableReader {
    let path: ConfigKeyPath
    private let table: TOMLTable
    private let log: ProblemLog
    /// Keys the schema asked for, in its order, for "known: …" in messages.
    private var knownKeys: [String] = []
    /// Keys read or already reported, which are therefore not unknown.
    private var handledKeys: Set<String> = []

    init(table: TOMLTable, path: ConfigKeyPath, log: ProblemLog) {
        self.table = table
        self.path = path
        self.log = log
    }

    /// The keys the file sets in this table.
    var keys: [String] { table.keys }

    // MARK: Typed reads

    /// A TOML integer only: `3.0` is a type error (SPEC §7).
    @discardableResult
    func integer(_ key: String, in range: ValueRange, into target: inout Int) -> ReadOutcome {
        guard let value = value(for: key) else { return .absent }
        guard value.type == .int, let integer = value.int else {
            return mismatch(key, expected: "an integer", got: value)
        }
        guard range.contains(Double(integer)) else {
            report(key, range.violation(by: String(integer)))
            return .invalid
        }
        target = integer
        return .valid
    }

    /// A TOML float or integer (`cutoff = 35` is accepted), finite and within `range`.
    @discardableResult
    func number(_ key: String, in range: ValueRange, into target: inout Double) -> ReadOutcome {
        guard let value = value(for: key) else { return .absent }
        let number: Double
        switch value.type {
        case .int:
            guard let integer = value.int else { return mismatch(key, expected: "a number", got: value) }
            number = Double(integer)
        case .double:
            guard let double = value.double else { return mismatch(key, expected: "a number", got: value) }
            number = double
        default:
            return mismatch(key, expected: "a number", got: value)
        }
        let shown = Self.describe(value)
        guard number.isFinite else {
            report(key, "\(shown) is not a finite number")
            return .invalid
        }
        guard range.contains(number) else {
            report(key, range.violation(by: shown))
            return .invalid
        }
        target = number
        return .valid
    }

    @discardableResult
    func boolean(_ key: String, into target: inout Bool) -> ReadOutcome {
        guard let value = value(for: key) else { return .absent }
        guard value.type == .bool, let boolean = value.bool else {
            return mismatch(key, expected: "a boolean", got: value)
        }
        target = boolean
        return .valid
    }

    /// A file system path: any string that is not blank.
    @discardableResult
    func nonEmptyPath(_ key: String, into target: inout String) -> ReadOutcome {
        guard let value = value(for: key) else { return .absent }
        guard value.type == .string, let text = value.string else {
            return mismatch(key, expected: "a string", got: value)
        }
        guard !Self.isBlank(text) else {
            report(key, "expected a non-empty path, got \(TextQuoting.quoted(text))")
            return .invalid
        }
        target = text
        return .valid
    }

    /// One of the syslog priority names of SPEC §5.
    @discardableResult
    func priority(_ key: String, into target: inout Priority?) -> ReadOutcome {
        guard let value = value(for: key) else { return .absent }
        guard value.type == .string, let name = value.string else {
            return mismatch(key, expected: "a string", got: value)
        }
        guard let priority = Priority(name: name) else {
            let known = Priority.allCases.map(\.name).joined(separator: ", ")
            report(key, "\(TextQuoting.quoted(name)) is not a priority (known: \(known))")
            return .invalid
        }
        target = priority
        return .valid
    }

    /// A list of strings that are not blank; `problem` may reject an element with a message.
    /// Every bad element is reported with its index; the list is stored only when all are good.
    @discardableResult
    func nonEmptyStrings(
        _ key: String, into target: inout [String], problem: (String) -> String? = { _ in nil }
    ) -> ReadOutcome {
        guard let value = value(for: key) else { return .absent }
        guard value.type == .array, let array = value.array else {
            return mismatch(key, expected: "a list of strings", got: value)
        }
        let listPath = path.appending(key)
        var strings: [String] = []
        var outcome = ReadOutcome.valid
        for index in 0..<array.count {
            let element = array[index].tomlValue
            let elementPath = listPath.appending(index: index)
            guard element.type == .string, let text = element.string else {
                log.report(elementPath, "expected a string, got \(Self.describe(element))")
                outcome = .invalid
                continue
            }
            if Self.isBlank(text) {
                log.report(elementPath, "expected a non-empty string, got \(TextQuoting.quoted(text))")
                outcome = .invalid
            } else if let message = problem(text) {
                log.report(elementPath, message)
                outcome = .invalid
            }
            strings.append(text)
        }
        if outcome == .valid { target = strings }
        return outcome
    }

    /// Reads the subtable at `key` with `read`, then reports the keys `read` did not ask for.
    func table(_ key: String, read: (TableReader) -> Void) {
        guard let value = value(for: key) else { return }
        guard value.type == .table, let table = value.table else {
            mismatch(key, expected: "a table", got: value)
            return
        }
        let reader = TableReader(table: table, path: path.appending(key), log: log)
        read(reader)
        reader.reportUnknownKeys()
    }

    // MARK: Problems

    /// Reports a problem with `key` and counts the key as handled.
    func reject(_ key: String, _ message: String) {
        handledKeys.insert(key)
        report(key, message)
    }

    /// Reports `lower` > `upper` once, on the key the file sets: on `lowerKey` when the file sets
    /// it, otherwise on `upperKey`, which then undercuts the default of `lowerKey`. Bad values are
    /// already reported, so they are not compared.
    func requireOrder(
        _ lowerKey: String, _ lowerOutcome: ReadOutcome, _ lower: Int,
        notAbove upperKey: String, _ upperOutcome: ReadOutcome, _ upper: Int
    ) {
        guard lowerOutcome != .invalid, upperOutcome != .invalid, lower > upper else { return }
        if lowerOutcome == .valid {
            report(lowerKey, "\(lower) must not exceed \(path.appending(upperKey)) (\(upper))")
        } else {
            report(upperKey, "\(upper) must not be below \(path.appending(lowerKey)) (\(lower))")
        }
    }

    /// Reports each key of the table that was neither read nor rejected.
    func reportUnknownKeys() {
        let known = knownKeys.joined(separator: ", ")
        for key in table.keys where !handledKeys.contains(key) {
            // A key with a NUL cannot be looked up again (TOMLKit truncates it); it is unknown anyway.
            let kind = table[key]?.tomlValue.type == .table ? "table" : "key"
            report(key, "unknown \(kind) (known: \(known))")
        }
    }

    // MARK: Helpers

    private func value(for key: String) -> TOMLValue? {
        if !knownKeys.contains(key) { knownKeys.append(key) }
        handledKeys.insert(key)
        return table[key]?.tomlValue
    }

    private func report(_ key: String, _ message: String) {
        log.report(path.appending(key), message)
    }

    @discardableResult
    private func mismatch(_ key: String, expected: String, got value: TOMLValue) -> ReadOutcome {
        report(key, "expected \(expected), got \(Self.describe(value))")
        return .invalid
    }

    /// A value as a message shows it: scalars as written, strings quoted, containers by kind.
    static func describe(_ value: TOMLValue) -> String {
        switch value.type {
        case .string: return value.string.map(TextQuoting.quoted) ?? "a string"
        case .int: return value.int.map { String($0) } ?? "an integer"
        case .double: return value.double.map { String($0) } ?? "a number"
        case .bool: return value.bool.map { String($0) } ?? "a boolean"
        case .table: return "a table"
        case .array:
            // `[[name]]` makes a list of tables where a table was meant.
            guard let array = value.array, !array.isEmpty, array.allSatisfy({ $0.type == .table }) else { return "a list" }
            return "a list of tables"
        case .date: return "a date"
        case .time: return "a time"
        case .dateTime: return "a date-time"
        }
    }

    private static func isBlank(_ text: String) -> Bool {
        text.allSatisfy(\.isWhitespace)
    }
}
