// swift-tools-version:6.0
// Transfer learning with DLNN: a new head on a pretrained LeNet-5, trained frozen, then unfrozen.
// `make test` builds it beside HelloDLNN.
import PackageDescription

let package = Package(
    name: "TransferLearning",
    dependencies: [
        // In your own package: .package(url: "<this repository's URL>", branch: "main")
        .package(path: "Dependencies/DLSwift"),
    ],
    targets: [
        .executableTarget(name: "TransferLearning", dependencies: [.product(name: "DLNN", package: "DLSwift")]),
    ]
)
