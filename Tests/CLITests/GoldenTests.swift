import Foundation
import Testing

/// Golden files from `scripts/make_golden.py` (numpy float64).
/// Tolerance: |nnpipe - numpy| ≤ 1e-12 + 1e-12·|numpy| for every value.
@Suite("numpy golden files")
struct GoldenTests {
    static let cases = ["seed-like", "relu-softmax", "tanh-identity", "wide", "deep-mixed", "blas-wide",
                        "pytorch-activations", "leaky-default-elu"]

    @Test("nnpipe matches numpy float64", arguments: cases)
    func matchesNumpy(name: String) throws {
        let dir = try WorkDir()
        let folder = CLI.fixture("golden/\(name)")
        let header = try String(contentsOf: folder.appendingPathComponent("input.csv"), encoding: .utf8)
            .prefix { $0 != "\n" }
        let features = header.split(separator: ",").dropFirst().map(String.init)
        try dir.write("p.yaml", pipelineYAML(input: folder.appendingPathComponent("input.csv").path,
                                              model: folder.appendingPathComponent("model.json").path,
                                              features: features, output: "out.csv",
                                              execution: "execution:\n  chunk_rows: 333"))
        let result = try dir.nnpipe("run", "p.yaml")
        #expect(result.status == 0, "\(result.stderr)")
        let actual = numericRows(try dir.text("out.csv"))
        let expected = numericRows(try String(contentsOf: folder.appendingPathComponent("expected.csv"), encoding: .utf8))
        try #require(actual.count == expected.count)
        var worst = 0.0
        for (a, e) in zip(actual, expected) {
            #expect(a.id == e.id)
            try #require(a.values.count == e.values.count)
            for (x, y) in zip(a.values, e.values) {
                let error = abs(x - y)
                worst = max(worst, error)
                #expect(error <= 1e-12 + 1e-12 * abs(y), "row \(a.id): nnpipe \(x), numpy \(y)")
            }
        }
        print("golden \(name): largest absolute difference from numpy \(worst)")
    }
}
