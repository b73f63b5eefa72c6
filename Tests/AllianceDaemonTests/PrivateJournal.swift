import Foundation
import Testing

/// A private systemd-journald for one test (`scripts/private-journal.sh`): commands run inside
/// it write to it alone, and its entries are read back from the host with
/// `journalctl -D DIR/journal -o json`.
struct PrivateJournal {
    let directory: String

    init(directory: String) {
        self.directory = directory
    }

    /// The wrapper that runs a command inside this journal's namespace.
    var wrapper: [String] { [ChildProcess.scriptsFolder + "/private-journal.sh", directory] }

    /// Runs `command` inside the private journal and returns its result.
    func run(_ command: [String], environment: [String: String] = [:], scratch: String) throws -> ChildProcess.Result {
        try ChildProcess.run(wrapper + command, environment: environment, in: scratch)
    }

    /// Every entry matching `matches` (journalctl `FIELD=value` matches), oldest first, with
    /// every field as a string.
    func entries(_ matches: [String] = [], scratch: String) throws -> [[String: String]] {
        let result = try ChildProcess.run(
            ["/usr/bin/journalctl", "-D", directory + "/journal", "-o", "json", "--all", "--no-pager"] + matches,
            in: scratch)
        #expect(result.status == 0, "journalctl failed: \(result.standardError)")
        return try result.standardOutput.split(separator: "\n").filter { $0.hasPrefix("{") }.map { line in
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            return object.compactMapValues(Self.text)
        }
    }

    /// journalctl writes a field as a string, as an array of byte values when it is not valid
    /// UTF-8 or has control characters it will not print, or null when it is too large.
    private static func text(_ value: Any) -> String? {
        if let string = value as? String { return string }
        if let bytes = value as? [Int] { return String(decoding: bytes.map { UInt8(truncatingIfNeeded: $0) }, as: UTF8.self) }
        return nil
    }
}
