// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "nnpipe",
    products: [
        .executable(name: "nnpipe", targets: ["nnpipe"]),
        .library(name: "NNPipe", targets: ["NNPipe"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    ],
    targets: [
        // Debian's libcsv-dev ships no pkg-config file; the module map links `csv` itself.
        .systemLibrary(name: "CCSV", path: "Sources/CCSV"),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib"),
        .target(
            name: "NNPipe",
            dependencies: ["CCSV", "CZlib", .product(name: "Yams", package: "Yams")]
        ),
        .executableTarget(
            name: "nnpipe",
            dependencies: ["NNPipe", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .testTarget(name: "NNPipeTests", dependencies: ["NNPipe"]),
        .testTarget(name: "CLITests", dependencies: ["nnpipe"]),
    ]
)
