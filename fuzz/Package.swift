// swift-tools-version:6.1
// libFuzzer targets for the record parser and the configuration loader (`make fuzz`).
//
// A package of its own so that the main package stays untouched: it compiles the main
// package's AllianceCore and AllianceConfig sources (symbolic links under Sources/) with the
// sanitizer flags that scripts/fuzz.sh passes (`make fuzz` builds and runs them):
//   swift build --package-path fuzz --scratch-path fuzz/.build -c release \
//     --sanitize fuzzer --sanitize address -Xswiftc -parse-as-library
import PackageDescription

let package = Package(
    name: "alliance-watch-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(url: "https://github.com/LebJe/TOMLKit", exact: "0.6.0"),
    ],
    targets: [
        .target(name: "AllianceCore"),
        .target(
            name: "AllianceConfig",
            dependencies: ["AllianceCore", .product(name: "TOMLKit", package: "TOMLKit")]
        ),
        .executableTarget(name: "FuzzRecords", dependencies: ["AllianceCore"]),
        .executableTarget(name: "FuzzConfig", dependencies: ["AllianceConfig", "AllianceCore"]),
    ]
)
