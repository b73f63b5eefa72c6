/// The rating file formats of SPEC §2 and §3.5, chosen by the file name's extension.
public enum RecordFileFormat: String, Sendable, CaseIterable {
    /// `.json`: one record object or an array of records.
    case json
    /// `.jsonl` or `.ndjson`: one record per line.
    case jsonLines
    /// `.csv`: a header row, then one session record per row (SPEC §3.3).
    case csv

    /// The format for `fileName`'s extension, compared case-insensitively; nil for any other.
    public init?(fileName: String) {
        switch Self.fileExtension(of: fileName).lowercased() {
        case "json": self = .json
        case "jsonl", "ndjson": self = .jsonLines
        case "csv": self = .csv
        default: return nil
        }
    }

    /// The text after the last `.` of the name's last path component (empty when there is none).
    public static func fileExtension(of fileName: String) -> String {
        let name = fileName.split(separator: "/", omittingEmptySubsequences: false).last ?? ""
        guard let dot = name.lastIndex(of: ".") else { return "" }
        return String(name[name.index(after: dot)...])
    }
}
