import Testing
@testable import NNPipe

/// Tensors the network does not need (integers beside the weights, a batch norm's counter)
/// and batch norms folded into the layer before them.
@Suite("Unused tensors and batch norm folding")
struct UnusedTensorTests {
    static func float(_ name: String, _ shape: [Int], _ values: [Double]? = nil) -> Tensor {
        let count = shape.reduce(1, *)
        return Tensor(name: name, shape: shape, dtype: "<f8", values: values ?? (0..<count).map { Double($0 % 7) * 0.25 - 0.5 })
    }

    static func integer(_ name: String, _ shape: [Int]) -> Tensor {
        Tensor(name: name, shape: shape, dtype: "I64", unusable: "tensor '\(name)' has dtype I64; nnpipe reads F64, F32, F16 and BF16 weights")
    }

    static func problem(_ body: () throws -> Void) -> String? {
        do { try body() } catch let error as ModelError { return error.problem } catch { return "\(error)" }
        return nil
    }

    @Test("an integer tensor beside numpy-named weights is ignored (scikit-learn's classes_)")
    func integerBesideNumpyNames() throws {
        let tensors = [Self.float("W0", [4, 3]), Self.float("b0", [3]), Self.float("W1", [3, 2]), Self.float("b1", [2]), Self.integer("classes", [2])]
        let found = try TensorLayers.layers(tensors, mapping: nil)
        #expect(found.layers.map(\.name) == ["W0", "W1"])
        #expect(!found.layers.flatMap(\.usedTensors).contains("classes"))
    }

    @Test("an integer tensor named as weights is still refused with its type")
    func integerWeights() {
        let tensors = [Self.integer("W0", [4, 3]), Self.float("b0", [3])]
        let message = Self.problem { _ = try TensorLayers.layers(tensors, mapping: nil) }
        #expect(message?.contains("tensor 'W0' has dtype I64") == true, "\(message ?? "no error")")
    }

    @Test("tensors: naming an integer tensor is refused; naming others ignores it")
    func mappedInteger() throws {
        let tensors = [Self.float("a", [4, 3]), Self.integer("n", [3])]
        let message = Self.problem { _ = try TensorLayers.layers(tensors, mapping: [TensorMapping(weights: "a", bias: "n", transpose: false)]) }
        #expect(message?.contains("has dtype I64") == true)
        let found = try TensorLayers.layers(tensors, mapping: [TensorMapping(weights: "a", bias: nil, transpose: false)])
        #expect(found.layers.count == 1)
    }

    /// A Sequential of Linear(3→2), BatchNorm1d(2), ReLU, Linear(2→1), as its state_dict names it.
    static func sequential(normPrefix: String = "net.1", secondLinear: String = "net.3") -> [Tensor] {
        [Self.float("net.0.weight", [2, 3], [1, 2, 3, -1, 0.5, 2]), Self.float("net.0.bias", [2], [0.5, -1]),
         Self.float("\(normPrefix).weight", [2], [2, 0.5]), Self.float("\(normPrefix).bias", [2], [0.25, -0.75]),
         Self.float("\(normPrefix).running_mean", [2], [1, -2]), Self.float("\(normPrefix).running_var", [2], [4, 0.25]),
         Self.integer("\(normPrefix).num_batches_tracked", []),
         Self.float("\(secondLinear).weight", [1, 2], [1, -1]), Self.float("\(secondLinear).bias", [1], [0.125])]
    }

    @Test("a BatchNorm1d numbered right after a Linear is folded into it")
    func foldSequential() throws {
        let found = try TensorLayers.layers(Self.sequential(), mapping: nil, batchNormEpsilon: 1e-5)
        #expect(found.layers.map(\.name) == ["net.0", "net.3"])
        let layer = found.layers[0]
        #expect(layer.batchNorm == "net.1")
        #expect(layer.usedTensors.contains("net.1.running_var") && !layer.usedTensors.contains("net.1.num_batches_tracked"))
        // The fold against the batch norm applied after the layer, for one input row.
        let x = [0.3, -1.2, 2.5]
        let weights: [[Double]] = [[1, 2, 3], [-1, 0.5, 2]], bias = [0.5, -1.0]
        let (gamma, beta, mean, variance) = ([2.0, 0.5], [0.25, -0.75], [1.0, -2.0], [4.0, 0.25])
        for unit in 0..<2 {
            let linear = zip(weights[unit], x).map(*).reduce(0, +) + bias[unit]
            let expected = (linear - mean[unit]) / (variance[unit] + 1e-5).squareRoot() * gamma[unit] + beta[unit]
            let folded = (0..<3).map { x[$0] * layer.dense.weights[$0 * 2 + unit] }.reduce(0, +) + layer.dense.bias[unit]
            #expect(abs(folded - expected) <= 1e-14 * max(1, abs(expected)), "unit \(unit): \(folded) vs \(expected)")
        }
    }

    @Test("a state_dict's batch norm without an eps is refused with the line to add, never folded with 1e-5")
    func epsilonNeverAssumed() {
        let message = Self.problem { _ = try TensorLayers.layers(Self.sequential(), mapping: nil) }
        #expect(message == "batch norm 'net.1' is folded into the layer before with its eps, which a state_dict does not record; give the eps the model was built with (BatchNorm1d(eps=...); PyTorch's default is 1e-5) in the forward stage: batch_norm_eps: 1e-5 (on the command line: --set forward.batch_norm_eps=1e-5)")
        let mapping = [TensorMapping(weights: "net.0.weight", bias: "net.0.bias", transpose: true, batchNorm: "net.1"),
                       TensorMapping(weights: "net.3.weight", bias: "net.3.bias", transpose: true)]
        let listed = Self.problem { _ = try TensorLayers.layers(Self.sequential(), mapping: mapping) }
        #expect(listed?.contains("batch_norm_eps: 1e-5, or eps: on its tensors: entry") == true, "\(listed ?? "no error")")
        // The stage's batch_norm_eps serves a tensors: entry without eps:.
        #expect((try? TensorLayers.layers(Self.sequential(), mapping: mapping, batchNormEpsilon: 1e-3)) != nil)
    }

    @Test("a batch norm the names do not pair with one layer is refused, pointing to tensors: with batch_norm")
    func unpairedNorms() {
        for (norm, second) in [("net.2", "net.3"), ("bn1", "net.3")] {
            let message = Self.problem { _ = try TensorLayers.layers(Self.sequential(normPrefix: norm, secondLinear: second), mapping: nil) }
            #expect(message?.contains("batch_norm: PREFIX") == true, "\(norm): \(message ?? "no error")")
            #expect(message?.contains("- {weights: net.0.weight, bias: net.0.bias, transpose: true}") == true)
            // One after an activation: the scale-stage route, with the recipe for this batch norm.
            #expect(message?.contains("split the network there into two forward stages") == true)
            #expect(message?.contains("- scale: {file: \(norm).json}") == true)
            #expect(message?.contains("p = \"\(norm)\"; eps = 1e-5;") == true)
        }
    }

    @Test("tensors: with batch_norm folds the named batch norm, with its eps")
    func mappedNorm() throws {
        let tensors = Self.sequential(normPrefix: "bn1", secondLinear: "out")
        let mapping = [TensorMapping(weights: "net.0.weight", bias: "net.0.bias", transpose: true, batchNorm: "bn1", epsilon: 1e-3),
                       TensorMapping(weights: "out.weight", bias: "out.bias", transpose: true)]
        let found = try TensorLayers.layers(tensors, mapping: mapping)
        #expect(found.layers[0].batchNorm == "bn1")
        // unit 0: a = 2/√(4.001); bias' = 0.5·a + 0.25 - 1·a.
        let a = 2 / (4.001).squareRoot()
        #expect(abs(found.layers[0].dense.bias[0] - (0.5 * a + (0.25 - 1 * a))) < 1e-15)
    }
}
