import Foundation

/// The files under `Fixtures/config` and the repository's reference configuration.
enum ConfigFixtures {
    static var directory: URL {
        guard let fixtures = Bundle.module.url(forResource: "Fixtures", withExtension: nil) else {
            fatalError("the test bundle has no Fixtures folder")
        }
        return fixtures.appendingPathComponent("config")
    }

    static func url(_ name: String) -> URL {
        directory.appendingPathComponent(name)
    }

    static func text(_ name: String) throws -> String {
        try String(contentsOf: url(name), encoding: .utf8)
    }

    /// `Config/alliance-watch.toml` in the package.
    static var referenceConfiguration: URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()
            .deletingLastPathComponent()
            .deletingLastPathComponent()
            .appendingPathComponent("Config/alliance-watch.toml")
    }

    /// The built `alliance-watch` executable, beside the test bundle.
    static var executable: URL {
        Bundle.module.bundleURL.deletingLastPathComponent().appendingPathComponent("alliance-watch")
    }
}
