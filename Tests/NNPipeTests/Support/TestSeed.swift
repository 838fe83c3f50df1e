import Foundation

extension FuzzTests {
    /// Iterations of each random test (`NNPIPE_FUZZ_ITERATIONS`), and the seed they draw from
    /// (`NNPIPE_FUZZ_SEED`).
    static let iterations = ProcessInfo.processInfo.environment["NNPIPE_FUZZ_ITERATIONS"].flatMap(Int.init) ?? 300
    static let seed = ProcessInfo.processInfo.environment["NNPIPE_FUZZ_SEED"].flatMap(UInt64.init) ?? 20261125

    /// A small, fast, seeded generator (SplitMix64), so a failing iteration can be replayed.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E3779B97F4A7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
            z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
            return z ^ (z >> 31)
        }
    }

    /// The generator of one random test: ``SplitMix`` from ``seed`` (`NNPIPE_FUZZ_SEED`, or the
    /// fixed default) and the test's name, so each test draws its own values. Prints the seed, so
    /// that a failure can be replayed with `NNPIPE_FUZZ_SEED=…`.
    static func generator(_ test: String) -> SplitMix {
        print("\(test): NNPIPE_FUZZ_SEED=\(seed)")
        // FNV-1a of the name: stable from run to run (unlike `hashValue`).
        let salt = test.utf8.reduce(UInt64(0xCBF2_9CE4_8422_2325)) { ($0 ^ UInt64($1)) &* 0x100_0000_01B3 }
        return SplitMix(state: seed ^ salt)
    }
}
