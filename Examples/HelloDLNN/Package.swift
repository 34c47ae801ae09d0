// swift-tools-version:6.0
// A downstream package that uses DLNN the way a user's package would. `make test` builds it,
// so the public API in the README cannot silently break.
import PackageDescription

let package = Package(
    name: "HelloDLNN",
    dependencies: [
        // In your own package: .package(url: "<this repository's URL>", branch: "main")
        .package(path: "Dependencies/DLSwift"),
    ],
    targets: [
        .executableTarget(name: "HelloDLNN", dependencies: [.product(name: "DLNN", package: "DLSwift")]),
    ]
)
