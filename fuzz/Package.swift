// swift-tools-version:5.4
import PackageDescription

// libFuzzer targets for nnpipe's parsers of untrusted bytes. A package of its own, so that the
// root package's `swift build` and `swift test` (and CI) never build them. Built and run by
// `scripts/fuzz.sh`, with `-sanitize=fuzzer,address -parse-as-library` (README, "Developing").
// Tools version 5.4: from 5.5 on, SwiftPM links an executable with `main` renamed to
// `<target>_main`, which a libFuzzer target (whose `main` is libFuzzer's) does not define.
let fuzzTargets = ["FuzzOnnx", "FuzzNumpy", "FuzzSafetensors", "FuzzModelJSON", "FuzzPipeline", "FuzzGzip", "FuzzCSV", "FuzzParallelDecode", "FuzzSpeculativeGzip", "FuzzFloat"]

let package = Package(
    name: "nnpipe-fuzz",
    products: fuzzTargets.map { .executable(name: $0, targets: [$0]) },
    dependencies: [.package(name: "nnpipe", path: "..")],
    targets: [
        .target(name: "FuzzSupport", dependencies: [.product(name: "NNPipe", package: "nnpipe")]),
    ] + fuzzTargets.map { name in
        // nnpipe's default trait ISAL is on, so FuzzGzip compares ISA-L with zlib.
        .executableTarget(name: name, dependencies: ["FuzzSupport", .product(name: "NNPipe", package: "nnpipe")],
                          swiftSettings: ["FuzzGzip", "FuzzParallelDecode", "FuzzSpeculativeGzip"].contains(name) ? [.define("ISAL")] : [])
    }
)
