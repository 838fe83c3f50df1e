import Foundation

extension FuzzTests {
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
