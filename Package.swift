// swift-tools-version: 6.2
// 6.2: Hummingbird 2.28 (chorus serve) declares 6.2, and package traits need at least 6.1.
import PackageDescription

var package = Package(
    name: "Chorus",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "ChorusGraph", targets: ["ChorusGraph"]),
        .library(name: "ChorusStore", targets: ["ChorusStore"]),
        .executable(name: "chorus", targets: ["chorus"]),
        .executable(name: "chorus-conformance", targets: ["chorus-conformance"]),
        .executable(name: "chorus-bench", targets: ["chorus-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/modelcontextprotocol/swift-sdk", from: "0.12.1"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        .target(name: "ChorusGraph"),
        .target(name: "ChorusStore", dependencies: ["ChorusGraph", .product(name: "GRDB", package: "GRDB.swift")]),
        .target(name: "ChorusPostgres", dependencies: [
            "ChorusGraph", "ChorusStore", .product(name: "PostgresNIO", package: "postgres-nio"), .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "ChorusConformance", dependencies: ["ChorusGraph"]),
        .target(name: "ChorusModels", dependencies: [
            "ChorusGraph", .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"), .product(name: "NIOTLS", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
        ]),
        .target(name: "ChorusTUI"),
        .target(name: "CChildProcess"),
        .target(name: "ChorusProcess", dependencies: ["CChildProcess"]),
        .systemLibrary(name: "CNcursesw", providers: [.apt(["libncurses-dev"])]),
        .target(name: "ChorusCurses", dependencies: ["CNcursesw", "ChorusTUI", "ChorusGraph"]),
        .target(name: "ChorusAgents", dependencies: ["ChorusGraph", "ChorusModels"]),
        .target(name: "ChorusTools", dependencies: [
            "ChorusAgents", "ChorusGraph", "ChorusModels", "ChorusProcess", .product(name: "MCP", package: "swift-sdk"),
            .product(name: "Logging", package: "swift-log"), .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOCore", package: "swift-nio"),
        ]),
        .target(name: "ChorusRemote", dependencies: [
            "ChorusGraph", "ChorusModels", .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
        ]),
        .target(name: "CMallocTuning"),
        .target(name: "ChorusApp", dependencies: [
            "CMallocTuning", "ChorusAgents", "ChorusTools", "ChorusRemote", "ChorusModels", "ChorusStore", "ChorusTUI", "ChorusGraph", .product(name: "TOMLKit", package: "TOMLKit"),
        ]),
        .target(name: "ChorusServe", dependencies: [
            "ChorusAgents", "ChorusApp", "ChorusModels", "ChorusStore", "ChorusPostgres", "ChorusGraph", .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"), .product(name: "Logging", package: "swift-log"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
        ]),
        .executableTarget(name: "chorus", dependencies: [
            "ChorusApp", "ChorusCurses", "ChorusStore", "ChorusServe", "ChorusTools", "ChorusPostgres", .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .executableTarget(name: "chorus-conformance", dependencies: ["ChorusConformance", "ChorusStore"]),
        .target(name: "CHeapUsage", path: "Benchmarks/CHeapUsage"),
        .executableTarget(name: "chorus-bench", dependencies: [
            "CHeapUsage",
            "ChorusGraph", "ChorusStore", "ChorusModels", "ChorusApp", "ChorusTUI", "ChorusProcess", "ChorusTesting", "ChorusAgents", "ChorusTools",
            "ChorusPostgres",
        ],
                          path: "Benchmarks/chorus-bench"),
        .testTarget(name: "ChorusGraphTests", dependencies: ["ChorusGraph", "ChorusTesting"]),
        .testTarget(name: "ChorusConformanceTests", dependencies: ["ChorusConformance", "ChorusStore", "ChorusPostgres", "ChorusTesting"], exclude: ["ExtraCases"]),
        .target(name: "ChorusTesting", dependencies: [
            "ChorusGraph", "ChorusPostgres", "ChorusModels", "ChorusProcess", "ChorusTUI", .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"), .product(name: "NIOSSL", package: "swift-nio-ssl"),
        ]),
        .executableTarget(name: "chorus-crash-probe", dependencies: ["ChorusStore", "ChorusTesting"], path: "Tests/CrashProbe"),
        .testTarget(name: "ChorusTUITests", dependencies: ["ChorusTUI"]),
        .testTarget(name: "ChorusProcessTests", dependencies: ["ChorusProcess"]),
        .testTarget(name: "ChorusAppTests", dependencies: ["ChorusApp", "ChorusTUI", "ChorusStore", "ChorusModels", "ChorusProcess", "ChorusTools", "ChorusTesting", "ChorusRemote"],
                    exclude: ["Golden"]),
        .testTarget(name: "ChorusServeTests", dependencies: [
            "ChorusServe", "ChorusStore", "ChorusPostgres", "ChorusRemote", "ChorusProcess", "ChorusGraph", "ChorusModels", "ChorusAgents", "ChorusTesting", .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "Hummingbird", package: "hummingbird"), .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "Logging", package: "swift-log"), .product(name: "NIOCore", package: "swift-nio"),
        ]),
        .testTarget(name: "ChorusStoreTests", dependencies: ["ChorusStore", "ChorusPostgres", "ChorusTesting", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "ChorusPostgresTests", dependencies: ["ChorusPostgres", "ChorusStore", "ChorusGraph", "ChorusTesting"]),
        .testTarget(name: "ChorusModelsTests", dependencies: ["ChorusModels", "ChorusTesting"]),
        .testTarget(name: "ChorusRemoteTests", dependencies: ["ChorusRemote", "ChorusGraph", "ChorusTesting"], exclude: ["Fixtures"]),
        .testTarget(name: "ChorusAgentsTests", dependencies: ["ChorusAgents", "ChorusModels", "ChorusGraph", "ChorusTesting"]),
        .testTarget(name: "ChorusToolsTests", dependencies: ["ChorusTools", "ChorusAgents", "ChorusModels", "ChorusGraph", "ChorusStore", "ChorusProcess", "ChorusTesting"]),
    ],
    swiftLanguageModes: [.v6]
)

// libFuzzer harness (Fuzz/chorus-fuzz), only with CHORUS_FUZZ=1: it has no
// `main` of its own (libFuzzer's), so it cannot link in a normal build.
// Built and run by scripts/fuzz.sh.
if Context.environment["CHORUS_FUZZ"] == "1" {
    package.products.append(.executable(name: "chorus-fuzz", targets: ["chorus-fuzz"]))
    package.targets.append(.executableTarget(
        name: "chorus-fuzz",
        dependencies: ["ChorusGraph", "ChorusModels", "ChorusApp", "ChorusTUI", "ChorusCurses", "ChorusServe", .product(name: "NIOCore", package: "swift-nio")],
        path: "Fuzz/chorus-fuzz",
        swiftSettings: [.unsafeFlags(["-parse-as-library"])]
    ))
}
