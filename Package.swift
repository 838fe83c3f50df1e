// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "nnpipe",
    products: [
        .executable(name: "nnpipe", targets: ["nnpipe"]),
        // The library behind the command line, with no public API: its declarations are
        // `package` (seen by the command line and the tests, not by other packages). The product
        // exists for nnpipe's own libFuzzer targets (fuzz/, a package of their own so that
        // `swift test` never builds them), which reach it through `@testable import`.
        .library(name: "NNPipe", targets: ["NNPipe"]),
    ],
    traits: [
        // ISA-L (Debian's libisal-dev) inflates gzip about 3× faster than zlib. zlib stays the
        // baseline that always builds: `swift build --disable-default-traits` leaves ISA-L out.
        .trait(name: "ISAL", description: "Inflate gzip input with Intel ISA-L (libisal-dev)"),
        .default(enabledTraits: ["ISAL"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
    ],
    targets: [
        // Debian's libcsv-dev ships no pkg-config file; the module map links `csv` itself.
        .systemLibrary(name: "CCSV", path: "Sources/CCSV"),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib"),
        .systemLibrary(name: "CISAL", path: "Sources/CISAL"),
        // Debian's libzstd-dev: zstd input read natively, and zstd output (`write.compression: zstd`).
        .systemLibrary(name: "CZstd", path: "Sources/CZstd", pkgConfig: "libzstd"),
        .systemLibrary(name: "CCPU", path: "Sources/CCPU"),
        .systemLibrary(name: "CFileSync", path: "Sources/CFileSync"),
        // Debian's libhdf5-dev: Keras' weights (.keras, .weights.h5). Headers only: nnpipe loads
        // libhdf5 at run time when a Keras file is given (see Sources/CHDF5/shim.h), so the binary
        // runs without it and users who never read a Keras file need not install it.
        .systemLibrary(name: "CHDF5", path: "Sources/CHDF5"),
        .target(
            name: "NNPipe",
            dependencies: [
                "CCSV", "CZlib", "CZstd", "CCPU", "CFileSync", "CHDF5", .target(name: "CISAL", condition: .when(traits: ["ISAL"])),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: [
                // Release builds skip the run-time exclusivity checks on class properties: in the
                // per-field and per-value loops they cost about a fifth of the time (measured with
                // perf on the 2-feature workload). Debug builds, which the tests run, keep them.
                .unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release)),
            ]
        ),
        .executableTarget(
            name: "nnpipe",
            dependencies: [
                "NNPipe",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "NNPipeTests", dependencies: ["NNPipe"]),
        .testTarget(name: "CLITests", dependencies: ["nnpipe"]),
    ]
)
