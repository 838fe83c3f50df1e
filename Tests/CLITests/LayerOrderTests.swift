import Foundation
import Testing

/// A model from `scripts/make_layer_order_fixtures.py` whose layer order nnpipe can tell.
struct OrderedModelCase: CustomTestStringConvertible, Sendable {
    var file: String
    /// How many of input.csv's features (x0, x1, …) the model takes.
    var inputs: Int
    var activations: [String]
    /// PyTorch's (or numpy's) float64 output, `expected-NAME.csv`.
    var expected: String
    /// The text after `order: ` in `inspect` and `validate`.
    var order: String
    var testDescription: String { file }
}

/// A model whose layer order nnpipe must refuse to guess, and the true order of its layers.
struct UnorderedModelCase: CustomTestStringConvertible, Sendable {
    var file: String
    var inputs: Int
    var activations: [String]
    /// The phrase that says why.
    var why: String
    /// The weight tensors in the order of the model's forward(), or nil when the model has no
    /// reference (some layer is never run).
    var forwardOrder: [String]?
    var testDescription: String { file }
}

/// Layer order in npz and safetensors files: from the numbers in the names, from the only chain
/// of shapes, or refused with a `tensors:` block. The references are PyTorch's forward() in
/// float64 over the same float32 weights; tolerance |nnpipe - torch| ≤ 1e-12 + 1e-12·|torch|.
@Suite("Layer order in npz and safetensors files")
struct LayerOrderTests {
    static let folder = CLI.fixture("models/order")

    static func both(_ name: String, inputs: Int = 6, _ activations: [String], order: String) -> [OrderedModelCase] {
        ["safetensors", "npz"].map {
            OrderedModelCase(file: "\(name).\($0)", inputs: inputs, activations: activations, expected: "expected-\(name).csv", order: order)
        }
    }

    static let shapes = "by shape, the only chain that fits"

    static let ordered: [OrderedModelCase] =
        both("fc-numbered", ["relu", "relu", "identity"], order: "by the numbers in the names (fc1, fc2, …)")
        + both("sequential", ["relu", "tanh", "identity"], order: "by the numbers in the names (net.0, net.2, …)")
        + both("layers-list", Array(repeating: "tanh", count: 10) + ["identity"], order: "by the numbers in the names (layers.0, layers.1, …)")
        + both("blocks", Array(repeating: ["relu", "tanh"], count: 11).flatMap { $0 }, order: "by the numbers in the names (blocks.0.fc1, blocks.0.fc2, …)")
        + both("chain-unnamed", inputs: 4, ["relu", "relu", "identity"], order: shapes)
        + both("encoder-decoder", inputs: 4, ["relu", "identity"], order: shapes)
        + both("mixed-chain", ["relu", "relu", "identity"], order: shapes)
        + [OrderedModelCase(file: "numpy-W.npz", inputs: 6, activations: Array(repeating: "tanh", count: 10) + ["identity"],
                            expected: "expected-numpy-W.csv", order: "by the numbers in the names (W0, W1, …)")]

    static let unordered: [UnorderedModelCase] = ["safetensors", "npz"].flatMap { format in [
        UnorderedModelCase(file: "square-unnamed.\(format)", inputs: 6, activations: ["relu", "relu", "identity"],
                           why: "the layer names (\(format == "npz" ? "input_layer, hidden, output" : "hidden, input_layer, output")) give no order",
                           forwardOrder: ["input_layer.weight", "hidden.weight", "output.weight"]),
        UnorderedModelCase(file: "mixed-square.\(format)", inputs: 6, activations: ["relu", "relu", "identity"],
                           why: "their shapes chain in more than one order", forwardOrder: ["fc1.weight", "fc2.weight", "out.weight"]),
        UnorderedModelCase(file: "no-chain.\(format)", inputs: 4, activations: ["identity", "identity"],
                           why: "no order of their shapes chains", forwardOrder: nil),
    ] }

    /// A pipeline over input.csv's first `inputs` features with `model` and `forward` (extra
    /// forward-stage lines, indented six spaces).
    static func pipeline(model: String, inputs: Int, activations: [String], forward: String = "") -> String {
        """
        stages:
          - read:
              path: \(folder.appendingPathComponent("input.csv").path)
              features: [\((0..<inputs).map { "x\($0)" }.joined(separator: ", "))]
              carry: [id]
          - forward:
              model: \(folder.appendingPathComponent(model).path)
              activations: [\(activations.joined(separator: ", "))]
        \(forward)  - write:
              path: out.csv

        """
    }

    /// Compares out.csv with the reference.
    static func expectReference(_ dir: WorkDir, _ expected: String, _ label: String) throws {
        let actual = numericRows(try dir.text("out.csv"))
        let reference = numericRows(try String(contentsOf: folder.appendingPathComponent(expected), encoding: .utf8))
        try #require(actual.count == reference.count && actual.count == 40, "\(label)")
        for (a, e) in zip(actual, reference) {
            #expect(a.id == e.id)
            try #require(a.values.count == e.values.count, "\(label)")
            for (x, y) in zip(a.values, e.values) {
                #expect(abs(x - y) <= 1e-12 + 1e-12 * abs(y), "\(label) row \(a.id): nnpipe \(x), torch \(y)")
            }
        }
    }

    @Test("layers ordered by their numbers or by the only chain of shapes give PyTorch's output", arguments: ordered)
    func matchesReference(_ test: OrderedModelCase) throws {
        let dir = try WorkDir()
        try dir.write("p.yaml", Self.pipeline(model: test.file, inputs: test.inputs, activations: test.activations))
        let validated = try dir.nnpipe("validate", "p.yaml")
        #expect(validated.status == 0, "\(validated.stderr)")
        #expect(validated.stdoutText.contains("\n          order: \(test.order)\n"), "\(validated.stdoutText)")
        let result = try dir.nnpipe("run", "p.yaml")
        #expect(result.status == 0, "\(result.stderr)")
        try Self.expectReference(dir, test.expected, test.file)
    }

    @Test("inspect says how the order was decided", arguments: ordered)
    func inspectOrder(_ test: OrderedModelCase) throws {
        let dir = try WorkDir()
        let result = try dir.nnpipe("inspect", Self.folder.appendingPathComponent(test.file).path)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdoutText.hasSuffix("\norder: \(test.order)\n"), "\(result.stdoutText)")
    }

    @Test("ONNX, JSON and tensors: name their own order")
    func otherOrders() throws {
        let dir = try WorkDir()
        let onnx = try dir.nnpipe("inspect", CLI.fixture("models/net-gemm.onnx").path)
        #expect(onnx.stdoutText.hasSuffix("\norder: the ONNX graph\n"), "\(onnx.stdoutText)")
        let json = try dir.nnpipe("inspect", CLI.repoRoot.appendingPathComponent("sample-data/sensor-model.json").path)
        #expect(json.stdoutText.hasSuffix("\norder: the file (JSON)\n"), "\(json.stdoutText)")
        try dir.write("p.yaml", Self.pipeline(model: "square-unnamed.safetensors", inputs: 6, activations: ["relu", "relu", "identity"], forward: """
                  tensors:
                    - {weights: input_layer.weight, bias: input_layer.bias, transpose: true}
                    - {weights: hidden.weight, bias: hidden.bias, transpose: true}
                    - {weights: output.weight, bias: output.bias, transpose: true}

            """))
        let listed = try dir.nnpipe("validate", "p.yaml")
        #expect(listed.status == 0, "\(listed.stderr)")
        #expect(listed.stdoutText.contains("\n          order: as listed in tensors:\n"), "\(listed.stdoutText)")
    }

    @Test("names and shapes that give no order are refused with a tensors: block, nothing written", arguments: unordered)
    func refused(_ test: UnorderedModelCase) throws {
        let dir = try WorkDir()
        let path = Self.folder.appendingPathComponent(test.file).path
        let inspected = try dir.nnpipe("inspect", path)
        #expect(inspected.status == 78)
        #expect(inspected.stderr.contains("nnpipe: \(path): \(test.why)") || inspected.stderr.contains(test.why), "\(inspected.stderr)")
        #expect(!inspected.stdoutText.contains("layers (inputs→units)"), "no layers listed: \(inspected.stdoutText)")
        try dir.write("p.yaml", Self.pipeline(model: test.file, inputs: test.inputs, activations: test.activations))
        for command in ["validate", "run"] {
            let result = try dir.nnpipe(command, "p.yaml")
            #expect(result.status == 78, "\(command): \(result.stderr)")
            #expect(result.stderr.contains("stages[1].forward.model: cannot load the model: \(path): the layer names ("), "\(result.stderr)")
            #expect(result.stderr.contains(test.why), "\(command): \(result.stderr)")
            #expect(result.stderr.contains("check it against forward()"), "\(result.stderr)")
            #expect(result.stderr.contains("\nnnpipe: tensors:\nnnpipe:   - {weights: "), "\(result.stderr)")
            #expect(Self.pastedBlock(result.stderr).count == test.activations.count, "\(result.stderr)")
        }
        #expect(!dir.exists("out.csv"))
    }

    /// The `- {weights: …}` lines of a refusal's `tensors:` block, without the `nnpipe: ` prefix.
    static func pastedBlock(_ stderr: String) -> [String] {
        let lines = stderr.split(separator: "\n").map(String.init)
        guard let start = lines.firstIndex(of: "nnpipe: tensors:") else { return [] }
        return lines[(start + 1)...].prefix { $0.hasPrefix("nnpipe:   - {") }.map { String($0.dropFirst("nnpipe: ".count)) }
    }

    @Test("the tensors: block of a refusal, pasted into the pipeline in forward() order, gives PyTorch's output",
          arguments: unordered.filter { $0.forwardOrder != nil })
    func pastedBlockRuns(_ test: UnorderedModelCase) throws {
        let dir = try WorkDir()
        try dir.write("p.yaml", Self.pipeline(model: test.file, inputs: test.inputs, activations: test.activations))
        let refused = try dir.nnpipe("validate", "p.yaml")
        #expect(refused.status == 78)
        let block = Self.pastedBlock(refused.stderr)
        let order = try #require(test.forwardOrder)
        // The user's step: put the entries in the order of forward().
        let entries = try order.map { weights in try #require(block.first { $0.contains("{weights: \(weights),") }, "\(weights) in \(block)") }
        let pasted = (["tensors:"] + entries).map { "      " + $0 }.joined(separator: "\n") + "\n"
        try dir.write("p.yaml", Self.pipeline(model: test.file, inputs: test.inputs, activations: test.activations, forward: pasted))
        let result = try dir.nnpipe("run", "p.yaml")
        #expect(result.status == 0, "\(result.stderr)")
        try Self.expectReference(dir, "expected-\((test.file as NSString).deletingPathExtension).csv", test.file)
        if test.file.hasSuffix(".npz") {
            // np.savez kept the state_dict's order, which here is forward()'s: the block as printed.
            #expect(entries == block)
        }
    }

    @Test("numbers that mislead break the chain, and the message points to tensors:", arguments: ["misnumbered.safetensors", "misnumbered.npz"])
    func misnumbered(_ file: String) throws {
        let dir = try WorkDir()
        let activations = ["relu", "relu", "identity"]
        try dir.write("p.yaml", Self.pipeline(model: file, inputs: 4, activations: activations))
        for command in ["validate", "run"] {
            let result = try dir.nnpipe(command, "p.yaml")
            #expect(result.status == 78, "\(command): \(result.stderr)")
            #expect(result.stderr.contains("shapes do not chain: layer 'layer2' takes 3 inputs but layer 'layer1' before it gives 8 units; if the layers are not in the order of the numbers in their names, list them with tensors: in the forward stage"), "\(result.stderr)")
        }
        #expect(!dir.exists("out.csv"))
        try dir.write("p.yaml", Self.pipeline(model: file, inputs: 4, activations: activations, forward: """
                  tensors:
                    - {weights: layer1.weight, bias: layer1.bias, transpose: true}
                    - {weights: layer3.weight, bias: layer3.bias, transpose: true}
                    - {weights: layer2.weight, bias: layer2.bias, transpose: true}

            """))
        let result = try dir.nnpipe("run", "p.yaml")
        #expect(result.status == 0, "\(result.stderr)")
        try Self.expectReference(dir, "expected-misnumbered.csv", file)
    }
}
