// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "DLSwift",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "DLCore", targets: ["DLCore"]),
        .library(name: "DLNN", targets: ["DLNN"]),
        .library(name: "DLDistributed", targets: ["DLDistributed"]),
        .executable(name: "dlbench", targets: ["dlbench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.4.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        .systemLibrary(
            name: "CMPI",
            pkgConfig: "ompi-c",
            providers: [.apt(["libopenmpi-dev"])]
        ),
        .target(name: "CCPUID"),
        .target(name: "CInt8GEMM"),
        .target(name: "CDirectConvolution"),
        .target(name: "DLCore", dependencies: ["CBLAS", "CCPUID", "CDirectConvolution"]),
        .target(name: "DLReport", dependencies: ["DLCore"]),
        .target(name: "DLNN", dependencies: ["DLCore", "CZlib", "CInt8GEMM"]),
        .target(name: "DLDistributed", dependencies: ["DLNN", "CMPI"]),
        .target(
            name: "DLBenchKit",
            dependencies: ["DLNN", "DLDistributed", "DLReport", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .executableTarget(name: "dlbench", dependencies: ["DLBenchKit", "DLCore"]),
        .executableTarget(name: "dldistributed-check", dependencies: ["DLDistributed", "DLNN"]),
        .testTarget(name: "DLCoreTests", dependencies: ["DLCore", "CCPUID"]),
        .testTarget(name: "DLNNTests", dependencies: ["DLNN"]),
        .testTarget(name: "DLReportTests", dependencies: ["DLReport"]),
        .testTarget(name: "DLBenchKitTests", dependencies: ["DLBenchKit"]),
        .testTarget(name: "DLDistributedTests", dependencies: ["DLDistributed", "dldistributed-check"]),
    ]
)
