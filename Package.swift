// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "alliance-watch",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "alliance-watch", targets: ["alliance-watch"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", exact: "0.6.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CSystemd",
            pkgConfig: "libsystemd",
            providers: [.apt(["libsystemd-dev"])]
        ),
        .target(name: "AllianceCore"),
        .target(
            name: "AllianceConfig",
            dependencies: ["AllianceCore", .product(name: "TOMLKit", package: "TOMLKit")]
        ),
        .target(
            name: "AllianceDaemon",
            dependencies: [
                "AllianceCore", "AllianceConfig", "CSystemd",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "alliance-watch",
            dependencies: [
                "AllianceCore", "AllianceConfig", "AllianceDaemon",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(
            name: "AllianceCoreTests",
            dependencies: ["AllianceCore"],
            resources: [.copy("Scenarios")]
        ),
        .testTarget(
            name: "AllianceConfigTests",
            dependencies: ["AllianceConfig", "AllianceCore"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "AllianceDaemonTests",
            dependencies: [
                "AllianceDaemon", "AllianceCore", "AllianceConfig",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
    ]
)
