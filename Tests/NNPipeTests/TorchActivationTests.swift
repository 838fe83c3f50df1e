import Foundation
import Testing
@testable import NNPipe

/// The activations PyTorch defines, against PyTorch's own float64 values over a grid with
/// extremes (±800, ±1e-300) and NaN (`activations-torch.csv` from
/// `scripts/make_exporter_fixtures.py`): within 4e-16 relative (a C library's `exp`, `log1p`
/// or `tanh` may differ from PyTorch's vectorized ones in the last bit), NaN where PyTorch
/// gives NaN.
@Suite("Activations against PyTorch")
struct TorchActivationTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/models/exporters-misc/activations-torch.csv")

    @Test("each new activation gives torch.nn.functional's float64 values")
    func matchesTorch() throws {
        let lines = try String(contentsOf: Self.fixture, encoding: .utf8).split(separator: "\n")
        let names = lines[0].split(separator: ";").dropFirst().map(String.init)
        let rows = lines.dropFirst().map { $0.split(separator: ";").map { Double(String($0)) ?? .nan } }
        for (column, name) in names.enumerated() {
            let activation = try #require(Activation.named(name), "unknown activation \(name)")
            var largest = 0.0
            for row in rows {
                var value = row[0]
                activation.apply(&value, count: 1)
                let expected = row[column + 1]
                if expected.isNaN {
                    #expect(value.isNaN, "\(name)(\(row[0])) = \(value), PyTorch NaN")
                    continue
                }
                let difference = value == expected ? 0 : abs(value - expected) / max(abs(expected), .leastNormalMagnitude)
                largest = max(largest, difference)
                #expect(difference <= 4e-16, "\(name)(\(row[0])) = \(value), PyTorch \(expected)")
            }
            print("\(name): largest relative difference \(largest)")
        }
    }

    @Test("names round-trip with their parameters; bad parameters are refused")
    func names() {
        #expect(Activation.named("relu6") == .hardtanh(low: 0, high: 6))
        #expect(Activation.named("relu6")?.name == "relu6")
        #expect(Activation.named("hardtanh(-2, 3)") == .hardtanh(low: -2, high: 3))
        #expect(Activation.named("celu(0.5)") == .celu(alpha: 0.5))
        #expect(Activation.named("exp")?.name == "exp")
        for bad in ["hardtanh(3, -2)", "celu(0)", "exp(2)", "leaky_relu(1, 2)", "selu(1)", "hardtanh(1)"] {
            #expect(Activation.named(bad) == nil, "\(bad)")
        }
    }
}
