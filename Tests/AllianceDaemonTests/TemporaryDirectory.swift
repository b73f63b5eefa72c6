import Foundation

/// A fresh directory under the system temp folder, removed with everything in it on deinit.
final class TemporaryDirectory: Sendable {
    let path: String

    init(_ label: String = "alliance-watch-test") throws {
        let base = NSTemporaryDirectory().hasSuffix("/") ? String(NSTemporaryDirectory().dropLast()) : NSTemporaryDirectory()
        var template = Array((base + "/\(label).XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else { throw CocoaError(.fileWriteUnknown) }
        path = String(cString: made)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    func file(_ relative: String) -> String { path + "/" + relative }
}

/// Writes `text` to `path`, creating or truncating it.
func writeFile(_ path: String, _ text: String) throws {
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
}

func readFile(_ path: String) throws -> String {
    String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
}

/// The names in a folder, sorted.
func listing(_ path: String) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: path).sorted()
}

/// Whether the tests may use mount namespaces (`unshare --mount`), which needs root.
var isRoot: Bool { getuid() == 0 }
