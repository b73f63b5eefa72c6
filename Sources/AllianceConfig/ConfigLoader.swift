import AllianceCore
import TOMLKit

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads the TOML configuration of SPEC §7 into `Settings`, strictly: an unknown table or key, a
/// value of the wrong type and a value out of range are all errors, and all of them are reported
/// at once, in the order they occur in the file, each with its line.
public enum ConfigLoader {
    /// Where the daemon and `check-config` look when no file is named (SPEC §1).
    public static let defaultPath = "/etc/alliance-watch/alliance-watch.toml"

    /// A configuration file larger than this is surely not one (and `/dev/zero` must not hang us).
    static let maximumFileBytes = 4 << 20

    /// Reads and checks the file at `path`. A file that cannot be read gives one diagnostic,
    /// `FILE: cannot read: <reason>`.
    public static func load(path: String) -> Result<Settings, ConfigErrors> {
        let bytes: [UInt8]
        switch readFile(atPath: path) {
        case .success(let contents):
            bytes = contents
        case .failure(let failure):
            return .failure(ConfigErrors([
                ConfigDiagnostic(file: path, line: nil, keyPath: nil, message: "cannot read: \(failure.reason)"),
            ]))
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            return .failure(ConfigErrors([
                ConfigDiagnostic(file: path, line: firstInvalidUTF8Line(in: bytes), keyPath: nil, message: "invalid UTF-8 text"),
            ]))
        }
        return parse(text: text, file: path)
    }

    /// Checks TOML `text`; `file` names it in diagnostics.
    public static func parse(text: String, file: String) -> Result<Settings, ConfigErrors> {
        // TOMLKit hands toml++ a C string, which would silently end at a NUL.
        if let nul = text.utf8.firstIndex(of: 0) {
            let line = text.utf8[..<nul].reduce(1) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
            return .failure(ConfigErrors([
                ConfigDiagnostic(file: file, line: line, keyPath: nil, message: "a NUL character is not allowed in TOML"),
            ]))
        }

        let index = KeyPositionIndex(text: text)
        if let trap = index.parserTraps.first {
            // Before TOMLKit: its toml++ would abort the whole process on this text.
            let character = TextQuoting.escapingControlCharacters(trap.character)
            return .failure(ConfigErrors([
                ConfigDiagnostic(
                    file: file, line: trap.position.line, keyPath: nil,
                    message: "expected \(trap.expected), saw '\(character)' (column \(trap.position.column))"
                ),
            ]))
        }

        let document: TOMLTable
        do {
            document = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            let message = error.description.unicodeScalars.map(TextQuoting.escapingControlCharacters).joined()
            return .failure(ConfigErrors([
                ConfigDiagnostic(
                    file: file, line: error.source.begin.line, keyPath: nil,
                    message: "\(message) (column \(error.source.begin.column))"
                ),
            ]))
        } catch {
            return .failure(ConfigErrors([ConfigDiagnostic(file: file, line: nil, keyPath: nil, message: "\(error)")]))
        }

        guard index.nulEscapes.isEmpty else {
            // TOMLKit has already cut those keys or strings short, so nothing else read is reliable.
            return .failure(ConfigErrors(index.nulEscapes.map { position in
                ConfigDiagnostic(
                    file: file, line: position.line, keyPath: nil,
                    message: "a NUL character in a key or string is not supported (column \(position.column))"
                )
            }))
        }

        let log = ProblemLog()
        let settings = SettingsReader.settings(from: document, log: log)
        guard !log.problems.isEmpty else { return .success(settings) }
        return .failure(ConfigErrors(locate(log.problems, with: index, file: file)))
    }

    /// Diagnostics in document order; a problem whose key cannot be found goes last.
    private static func locate(_ problems: [ConfigProblem], with index: KeyPositionIndex, file: String) -> [ConfigDiagnostic] {
        let unknownPosition = SourcePosition(line: Int.max, column: Int.max)
        return problems.enumerated()
            .map { order, problem in (order: order, problem: problem, position: index.position(of: problem.path)) }
            .sorted { ($0.position ?? unknownPosition, $0.order) < ($1.position ?? unknownPosition, $1.order) }
            .map { located in
                ConfigDiagnostic(
                    file: file, line: located.position?.line,
                    keyPath: located.problem.path.description, message: located.problem.message
                )
            }
    }

    private struct ReadFailure: Error {
        var reason: String
    }

    private static func readFile(atPath path: String) -> Result<[UInt8], ReadFailure> {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return .failure(ReadFailure(reason: systemErrorText(errno))) }
        defer { close(descriptor) }
        var contents: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return .failure(ReadFailure(reason: systemErrorText(errno)))
            }
            if count == 0 { return .success(contents) }
            contents.append(contentsOf: buffer[0..<count])
            if contents.count > maximumFileBytes {
                return .failure(ReadFailure(reason: "larger than \(maximumFileBytes >> 20) MiB, too large for a configuration file"))
            }
        }
    }

    private static func systemErrorText(_ code: Int32) -> String {
        String(cString: strerror(code))
    }

    private static func firstInvalidUTF8Line(in bytes: [UInt8]) -> Int? {
        // A multi-byte sequence never contains a line feed, so lines can be checked one by one.
        for (number, line) in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated()
        where String(validating: line, as: UTF8.self) == nil {
            return number + 1
        }
        return nil
    }
}
