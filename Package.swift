// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "Chorus",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "ChorusGraph", targets: ["ChorusGraph"]),
        .executable(name: "chorus", targets: ["chorus"]),
        .executable(name: "chorus-conformance", targets: ["chorus-conformance"]),
        .executable(name: "chorus-bench", targets: ["chorus-bench"]),
    ],
    targets: [
        .target(name: "ChorusGraph"),
        .target(name: "ChorusConformance", dependencies: ["ChorusGraph"]),
        .executableTarget(name: "chorus", dependencies: ["ChorusGraph"]),
        .executableTarget(name: "chorus-conformance", dependencies: ["ChorusConformance"]),
        .executableTarget(name: "chorus-bench", dependencies: ["ChorusGraph"], path: "Benchmarks/chorus-bench"),
        .testTarget(name: "ChorusGraphTests", dependencies: ["ChorusGraph"]),
        .testTarget(name: "ChorusConformanceTests", dependencies: ["ChorusConformance"]),
    ],
    swiftLanguageModes: [.v6]
)
