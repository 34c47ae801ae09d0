// swift-tools-version:6.1
import Foundation
import PackageDescription

// A separate package, so that the library's own build and `make test` never build the benchmark package.
// The library is the parent folder; SwiftPM names a path dependency after its folder, whatever that is.
let library = URL(fileURLWithPath: Context.packageDirectory).deletingLastPathComponent().lastPathComponent

let package = Package(
    name: "DLSwiftBenchmarks",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "DLNNBenchmarks",
            dependencies: [
                .product(name: "DLNN", package: library),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/DLNNBenchmarks",
            swiftSettings: [.swiftLanguageMode(.v5)],
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
