import Foundation
import Testing

/// The `alliance-watch` executable SwiftPM builds next to the test bundle (`swift build`
/// builds it; `swift test` too).
enum BuiltExecutable {
    static func url() throws -> URL {
        let directory = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        let url = directory.appendingPathComponent("alliance-watch")
        try #require(FileManager.default.isExecutableFile(atPath: url.path), "build alliance-watch first (swift build)")
        return url
    }

    static var path: String {
        get throws { try url().path }
    }
}
