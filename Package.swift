// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "DLSwift",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "DLCore", targets: ["DLCore"]),
        .library(name: "DLNN", targets: ["DLNN"]),
        .executable(name: "dlbench", targets: ["dlbench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev", "liblapacke-dev"])]
        ),
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        .target(name: "DLCore", dependencies: ["CBLAS"]),
        .target(name: "DLNN", dependencies: ["DLCore", "CZlib"]),
        .target(name: "DLReport", dependencies: ["DLCore"]),
        .executableTarget(
            name: "dlbench",
            dependencies: ["DLNN", "DLReport", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .testTarget(name: "DLCoreTests", dependencies: ["DLCore"]),
        .testTarget(name: "DLNNTests", dependencies: ["DLNN"]),
        .testTarget(name: "DLReportTests", dependencies: ["DLReport"]),
    ]
)
