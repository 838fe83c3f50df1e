import Foundation
import Testing
@testable import NNPipe

/// The layer norm against numpy's float64 `(x - x.mean()) / np.sqrt(x.var() + eps) * gain + bias`
/// (`layernorm-numpy.csv` from `scripts/make_exporter_fixtures.py norms`), bit for bit, on rows of
/// 5 to 300 values around 1000, where a sum in another order than numpy's pairwise one differs in
/// the last bits; and PReLU's slopes, one or one per unit.
@Suite("Layer norm and PReLU")
struct LayerNormTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/models/exporters-misc/layernorm-numpy.csv")

    @Test("each row gives numpy's layer norm to the last bit")
    func matchesNumpy() throws {
        let lines = try String(contentsOf: Self.fixture, encoding: .utf8).split(separator: "\n")
        try #require(lines.count == 5)
        for line in lines {
            let parts = line.split(separator: ";").map { $0.split(separator: ",").compactMap { Double(String($0)) } }
            try #require(parts.count == 5)
            let (x, gain, bias, eps, expected) = (parts[0], parts[1], parts[2], parts[3][0], parts[4])
            let norm = LayerNorm(epsilon: eps, gain: gain, bias: bias, source: "test")
            var row = x
            row.withUnsafeMutableBufferPointer { norm.apply($0.baseAddress!, count: $0.count) }
            let differing = zip(row, expected).filter { $0 != $1 }.count
            #expect(differing == 0, "\(x.count) values: \(differing) differ from numpy")
        }
    }

    @Test("a plain sum in order differs from numpy's on these rows, so the test above can fail")
    func orderMatters() throws {
        let lines = try String(contentsOf: Self.fixture, encoding: .utf8).split(separator: "\n")
        var anyDiffer = false
        for line in lines {
            let x = line.split(separator: ";")[0].split(separator: ",").compactMap { Double(String($0)) }
            let plain = x.reduce(0, +)
            let pairwise = LayerNorm.pairwiseSum(count: x.count) { x[$0] }
            anyDiffer = anyDiffer || plain != pairwise
        }
        #expect(anyDiffer)
    }

    @Test("a dense layer runs its layer norm between its bias and its activation")
    func inLayer() {
        let norm = LayerNorm(epsilon: 1e-5, gain: [1, 2], bias: [0, 1], source: "test")
        let layer = DenseLayer(inputs: 1, units: 2, weights: [1, 3], bias: [0, 1], activation: .prelu(slopes: [0.5, 0.25]),
                               layerNorm: norm)
        var y = [0.0, 0.0]
        let x = [2.0]
        y.withUnsafeMutableBufferPointer { out in x.withUnsafeBufferPointer { layer.forward($0.baseAddress!, rows: 1, into: out.baseAddress!) } }
        // x·W + b = [2, 7]; mean 4.5, variance 6.25; normalized ±2.5/√(6.25 + 1e-5).
        let z = 2.5 / (6.25 + 1e-5).squareRoot()
        #expect(y == [0.5 * -z, z * 2 + 1])
    }

    @Test("prelu: one slope, one per unit, the file's (bare); names read back")
    func prelu() {
        #expect(Activation.named("prelu(0.3)") == .prelu(slopes: [0.3]))
        #expect(Activation.named("PReLU(0.1, -0.2)") == .prelu(slopes: [0.1, -0.2]))
        #expect(Activation.named("prelu") == .prelu(slopes: []))
        #expect(Activation.named("prelu()") == nil)
        #expect(Activation.named("prelu(x)") == nil)
        for activation in [Activation.prelu(slopes: [0.3]), .prelu(slopes: [0.1, -0.2, 3]), .prelu(slopes: [])] {
            #expect(Activation.named(activation.name) == activation)
        }
        #expect(Activation.prelu(slopes: [Double](repeating: 0.1, count: 8)).name == "prelu(8 slopes)")
        var row = [-2.0, -2.0, 3.0]
        Activation.prelu(slopes: [0.5, -1, 7]).apply(&row, count: 3)
        #expect(row == [-1, 2, 3])
        row = [-2.0, 4.0, -8.0]
        Activation.prelu(slopes: [0.25]).apply(&row, count: 3)
        #expect(row == [-0.5, 4, -2])
        #expect(Activation.prelu(slopes: [1, 2]).problem(units: 3) != nil)
        #expect(Activation.prelu(slopes: []).problem(units: 3) != nil)
        #expect(Activation.prelu(slopes: [1]).problem(units: 3) == nil)
    }
}
