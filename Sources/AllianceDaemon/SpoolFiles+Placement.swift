import AllianceCore
import Glibc

/// One entry of `rejected/NAME.error.json`.
public struct SpoolErrorEntry: Hashable, Sendable {
    /// The record's line or array position; nil for a problem with the whole file.
    public var line: Int?
    public var reason: RejectionReason
    public var field: String?
    public var message: String

    public init(line: Int? = nil, reason: RejectionReason, field: String? = nil, message: String) {
        self.line = line
        self.reason = reason
        self.field = field
        self.message = message
    }

    public init(_ issue: RecordIssue) {
        self.init(line: issue.line, reason: issue.reason, field: issue.field, message: issue.message)
    }
}

/// How ingesting a file ended.
public enum SpoolOutcome: Hashable, Sendable {
    /// Its records are stored; those listed were rejected one by one. The file goes to
    /// `processed/` (or is deleted), the rejected records to `rejected/`.
    case ingested(rejectedRecords: [RejectedRecord])
    /// The file could not be ingested at all; it moves whole to `rejected/`.
    case rejected(SpoolErrorEntry)
}

/// Whether ingested files are kept in `processed/` (`spool.keep_processed_days` > 0) or
/// deleted at once (0).
public enum ProcessedRetention: Hashable, Sendable {
    case keep
    case delete
}

/// Where `SpoolFiles.place` put a file and its rejection files.
public struct SpoolPlacement: Hashable, Sendable {
    public enum Destination: Hashable, Sendable {
        case processed
        case rejected
        case deleted
    }

    public var destination: Destination
    /// The file's name in its folder: the original name, or with a `.1`, `.2`, … suffix after a
    /// clash. The original name when deleted.
    public var name: String
    /// `NAME.error.json` in `rejected/`, when one was written.
    public var errorFile: String?
    /// `NAME.rejected.jsonl` in `rejected/`, when one was written.
    public var rejectedRecordsFile: String?

    public init(destination: Destination, name: String, errorFile: String? = nil, rejectedRecordsFile: String? = nil) {
        self.destination = destination
        self.name = name
        self.errorFile = errorFile
        self.rejectedRecordsFile = rejectedRecordsFile
    }
}

extension SpoolFiles {
    /// Moves `incoming/NAME` out according to `outcome`, never overwriting anything.
    ///
    /// - All records ingested: to `processed/NAME` (or deleted with `.delete`).
    /// - Some records rejected: first `rejected/NAME.rejected.jsonl` (their original text) and
    ///   `rejected/NAME.error.json`, then the file to `processed/NAME` (or deleted).
    /// - Rejected whole: first `rejected/NAME.error.json`, then the file to `rejected/NAME`.
    ///
    /// On a clash every name gets the same suffix, the first `.N` free in every folder involved
    /// (`processed/a.json.2` with `rejected/a.json.2.error.json`). Rejection files are written
    /// to a temporary name, fsynced and renamed without replacing; writing them before moving
    /// the file means a crash can repeat them (under the next suffix) but never lose them.
    /// A symbolic link is moved as itself, never followed.
    ///
    /// Renames are not durable until `syncDirectories()`; call it once per batch.
    @discardableResult
    public func place(_ name: String, outcome: SpoolOutcome, retention: ProcessedRetention = .keep) throws(SystemCallError) -> SpoolPlacement {
        guard Self.isPlainName(name) else { throw SystemCallError("place '\(name)'", errno: EINVAL) }
        let source = layout.incoming + "/" + name
        var status = stat()
        guard lstat(source, &status) == 0 else { throw SystemCallError.last("examine '\(source)'") }

        switch outcome {
        case .ingested(let records) where records.isEmpty:
            if retention == .delete {
                try remove(source)
                return SpoolPlacement(destination: .deleted, name: name)
            }
            let final = try moveWithoutReplacing(source, into: layout.processed, name: name, firstSuffix: 0)
            return SpoolPlacement(destination: .processed, name: final)

        case .ingested(let records):
            let lines = records.map { $0.text + "\n" }.joined()
            let errors = Self.errorJSON(records.map { SpoolErrorEntry($0.issue) })
            var suffix = 0
            while true {
                let candidate = Self.suffixed(name, suffix)
                let errorFile = candidate + ".error.json"
                let recordsFile = candidate + ".rejected.jsonl"
                suffix += 1
                guard !exists(layout.rejected + "/" + errorFile), !exists(layout.rejected + "/" + recordsFile),
                      retention == .delete || !exists(layout.processed + "/" + candidate) else { continue }
                guard try publish(lines, as: recordsFile) else { continue }
                guard try publish(errors, as: errorFile) else {
                    try remove(layout.rejected + "/" + recordsFile)
                    continue
                }
                if retention == .delete {
                    try remove(source)
                    return SpoolPlacement(destination: .deleted, name: name, errorFile: errorFile, rejectedRecordsFile: recordsFile)
                }
                let final = try moveWithoutReplacing(source, into: layout.processed, name: name, firstSuffix: suffix - 1)
                return SpoolPlacement(destination: .processed, name: final, errorFile: errorFile, rejectedRecordsFile: recordsFile)
            }

        case .rejected(let entry):
            let errors = Self.errorJSON([entry])
            var suffix = 0
            while true {
                let candidate = Self.suffixed(name, suffix)
                let errorFile = candidate + ".error.json"
                suffix += 1
                guard !exists(layout.rejected + "/" + candidate), !exists(layout.rejected + "/" + errorFile) else { continue }
                guard try publish(errors, as: errorFile) else { continue }
                guard try NoReplaceRename.rename(source, to: layout.rejected + "/" + candidate) else {
                    // Taken since the check: drop this error file and try the next suffix.
                    try remove(layout.rejected + "/" + errorFile)
                    continue
                }
                return SpoolPlacement(destination: .rejected, name: candidate, errorFile: errorFile)
            }
        }
    }

    /// fsyncs `incoming/`, `processed/` and `rejected/`, making the renames and removals before
    /// it durable. One call covers any number of `place` calls.
    public func syncDirectories() throws(SystemCallError) {
        for folder in [layout.incoming, layout.processed, layout.rejected] {
            let descriptor = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            guard descriptor >= 0 else { throw SystemCallError.last("open '\(folder)'") }
            defer { close(descriptor) }
            guard fsync(descriptor) == 0 else { throw SystemCallError.last("sync '\(folder)'") }
        }
    }

    /// The text of `NAME.error.json`: a JSON array, one object per line, keys in the order
    /// `line`, `reason`, `field`, `message`; `line` and `field` left out where there is none.
    public static func errorJSON(_ entries: [SpoolErrorEntry]) -> String {
        let objects = entries.map { entry in
            var pairs: [(String, String)] = []
            if let line = entry.line { pairs.append(("line", String(line))) }
            pairs.append(("reason", JSONText.quote(entry.reason.rawValue)))
            if let field = entry.field { pairs.append(("field", JSONText.quote(field))) }
            pairs.append(("message", JSONText.quote(entry.message)))
            return "  " + JSONText.rawObject(pairs)
        }
        return "[\n" + objects.joined(separator: ",\n") + "\n]\n"
    }

    /// `name` for suffix 0, else `name.N`.
    static func suffixed(_ name: String, _ suffix: Int) -> String {
        suffix == 0 ? name : "\(name).\(suffix)"
    }

    /// Moves `source` to `folder/name`, or `name.N` with the first free N from `firstSuffix`.
    private func moveWithoutReplacing(_ source: String, into folder: String, name: String, firstSuffix: Int) throws(SystemCallError) -> String {
        var suffix = firstSuffix
        while true {
            let candidate = Self.suffixed(name, suffix)
            if try NoReplaceRename.rename(source, to: folder + "/" + candidate) { return candidate }
            suffix += 1
        }
    }

    /// Writes `text` to `rejected/NAME` atomically: a temporary dot-file, fsync, then a rename
    /// that does not replace. False, with nothing left behind, when `NAME` exists.
    private func publish(_ text: String, as name: String) throws(SystemCallError) -> Bool {
        let temporary = layout.rejected + "/.\(name).\(getpid()).\(UInt32.random(in: .min ... .max)).tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw SystemCallError.last("create '\(temporary)'") }
        let bytes = Array(text.utf8)
        var written = 0
        var failure: SystemCallError?
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress! + written, $0.count - written) }
            if count < 0 {
                if errno == EINTR { continue }
                failure = .last("write '\(temporary)'")
                break
            }
            written += count
        }
        if failure == nil, fsync(descriptor) != 0 { failure = .last("sync '\(temporary)'") }
        close(descriptor)
        do throws(SystemCallError) {
            if let failure { throw failure }
            if try NoReplaceRename.rename(temporary, to: layout.rejected + "/" + name) { return true }
            unlink(temporary)
            return false
        } catch {
            unlink(temporary)
            throw error
        }
    }

    private func exists(_ path: String) -> Bool {
        var status = stat()
        return lstat(path, &status) == 0
    }

    private func remove(_ path: String) throws(SystemCallError) {
        guard unlink(path) == 0 else { throw SystemCallError.last("remove '\(path)'") }
    }
}
