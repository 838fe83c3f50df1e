import Foundation
import Testing

/// Layer norms and PReLUs as PyTorch saves and exports them (`make_exporter_fixtures.py norms`):
/// each state_dict and ONNX file run through `nnpipe run` and compared with torch's float64
/// predictions within 1e-12 (absolute + relative), and the refusals that say what to add.
@Suite("Exporter corpus: layer norms and PReLUs")
struct NormExporterCorpusTests {
    typealias Corpus = ExporterCorpusTests

    static func eps(_ value: String) -> String { "      layer_norm_eps: \(value)\n" }

    static let cases: [CorpusCase] = {
        var cases = [
            CorpusCase(name: "torch Linear, LayerNorm, PReLU(8), Linear: safetensors with prelu and layer_norm_eps", input: "iris.csv",
                       features: 4, stages: Corpus.forward("iris-torch-ln-prelu.safetensors", "[prelu, identity]", extra: Self.eps("1e-5")),
                       expected: "iris-torch-ln-prelu.expected.csv"),
            CorpusCase(name: "torch LayerNorm(eps=1e-3), ReLU: safetensors with layer_norm_eps: 0.001", input: "iris.csv", features: 4,
                       stages: Corpus.forward("iris-torch-ln-eps.safetensors", "[relu, identity]", extra: Self.eps("0.001")),
                       expected: "iris-torch-ln-eps.expected.csv"),
            CorpusCase(name: "torch PReLU() with one slope: safetensors with prelu", input: "iris.csv", features: 4,
                       stages: Corpus.forward("iris-torch-prelu-one.safetensors", "[prelu, identity]"),
                       expected: "iris-torch-prelu-one.expected.csv"),
            CorpusCase(name: "torch PReLU() with slope 0.3: safetensors with prelu, no tensors: needed", input: "iris.csv", features: 4,
                       stages: Corpus.forward("iris-torch-prelu.safetensors", "[prelu, identity]"),
                       expected: "iris-torch-prelu.expected.csv"),
            CorpusCase(name: "prelu(SLOPE) written in activations: over the layers alone", input: "iris.csv", features: 4,
                       stages: Corpus.layers("iris-torch-prelu.safetensors", ["0", "2"], "[prelu(0.3), identity]"),
                       expected: "iris-torch-prelu.expected.csv"),
            CorpusCase(name: "names that do not pair (fc1, norm, act, head): tensors: with layer_norm: and prelu:", input: "iris.csv",
                       features: 4, stages: Corpus.forward("iris-torch-named-ln-prelu.safetensors", "[prelu, identity]", extra: eps("1e-5")
                           + "      tensors: [{weights: fc1.weight, bias: fc1.bias, transpose: true, layer_norm: norm, prelu: act}, "
                           + "{weights: head.weight, bias: head.bias, transpose: true}]\n"),
                       expected: "iris-torch-named-ln-prelu.expected.csv"),
        ]
        let graphs = [("iris-torch-ln-prelu", ["dynamo", "torchscript-17", "torchscript-16"]),
                      ("iris-torch-ln-eps", ["dynamo", "torchscript-16"]), ("iris-torch-prelu-one", ["dynamo", "torchscript-17"])]
        for (name, variants) in graphs {
            for variant in variants {
                cases.append(CorpusCase(name: "\(name) as ONNX (\(variant))", input: "iris.csv", features: 4,
                                        stages: Corpus.graph("\(name)-\(variant).onnx"), expected: "\(name).expected.csv"))
            }
        }
        cases.append(CorpusCase(name: "the Linear, LayerNorm, PReLU(8) net in float32 as ONNX (dynamo), precision: float32", input: "iris.csv",
                                features: 4, stages: Corpus.graph("iris-torch-ln-prelu-f32-dynamo.onnx") + "      precision: float32\n",
                                expected: "iris-torch-ln-prelu-f32.expected.csv", tolerance: 1e-5))
        return cases
    }()

    @Test("each file gives torch's predictions", arguments: cases)
    func matchesTorch(_ test: CorpusCase) throws {
        try ExporterCorpusTests().matchesFramework(test)
    }

    @Test("a state_dict's layer norm without layer_norm_eps is refused with the line to add, which then runs")
    func epsilonRefused() throws {
        let dir = try WorkDir()
        let refused = try Corpus.refusedRun(dir, "iris-torch-ln-eps.safetensors")
        #expect(refused.status == 78)
        #expect(refused.stderr.contains("layer norm '1' normalizes with its eps, which a state_dict does not record; give the eps the model was built with (LayerNorm(eps=...); PyTorch's default is 1e-5) in the forward stage: layer_norm_eps: 1e-5 (on the command line: --set forward.layer_norm_eps=1e-5)"), "\(refused.stderr)")
        #expect(!dir.exists("out.csv"))
        let model = Corpus.folder.appendingPathComponent("iris-torch-ln-eps.safetensors").path
        let input = Corpus.folder.appendingPathComponent("iris.csv").path
        let result = try dir.nnpipe("run", "--model", model, "--activations", "relu,identity", "--features", "f0,f1,f2,f3",
                                    "--carry", "id", "--set", "forward.layer_norm_eps=0.001", "--output", "out.csv", input)
        try #require(result.status == 0, "\(result.stderr)")
        let actual = numericRows(try dir.text("out.csv"))
        let expected = numericRows(try String(contentsOf: Corpus.folder.appendingPathComponent("iris-torch-ln-eps.expected.csv"), encoding: .utf8))
        try #require(actual.count == expected.count && !actual.isEmpty)
        for (a, e) in zip(actual, expected) {
            for (x, y) in zip(a.values, e.values) { #expect(abs(x - y) <= 1e-12 * (1 + abs(y)), "row \(a.id): nnpipe \(x), torch \(y)") }
        }
    }

    @Test("the activation of a layer followed by an nn.PReLU must be prelu; a bare prelu needs one")
    func preluActivations() throws {
        let dir = try WorkDir()
        let other = try Corpus.refusedRun(dir, "iris-torch-ln-prelu.safetensors", extra: Self.eps("1e-5"))
        #expect(other.status == 78)
        #expect(other.stderr.contains("activations: layer '0' (number 1 of 2 in activations:) is followed by an nn.PReLU in the model file, PReLU 2 (a slope per unit, for prelu in activations:); write prelu there (its slopes are the file's), not relu"), "\(other.stderr)")
        let test = CorpusCase(name: "", input: "iris.csv", features: 4, stages: Corpus.forward("iris-torch-ln-eps.safetensors", "[prelu, identity]", extra: Self.eps("0.001")), expected: "")
        try dir.write("p.yaml", Corpus.pipeline(test))
        let bare = try dir.nnpipe("run", "p.yaml")
        #expect(bare.status == 78)
        #expect(bare.stderr.contains("layer '0' (number 1 of 2 in activations:): prelu without slopes takes them from the model file's nn.PReLU after the layer"), "\(bare.stderr)")
        let count = CorpusCase(name: "", input: "iris.csv", features: 4, stages: Corpus.layers("iris-torch-prelu.safetensors", ["0", "2"], "[\"prelu(0.1, 0.2)\", identity]"), expected: "")
        try dir.write("p.yaml", Corpus.pipeline(count))
        let wrong = try dir.nnpipe("run", "p.yaml")
        #expect(wrong.status == 78)
        #expect(wrong.stderr.contains("activations: layer '0.weight' (number 1 of 2 in activations:): prelu has 2 slopes but the layer has 8 units; give one slope, or one per unit"), "\(wrong.stderr)")
        // Unquoted in a flow list, YAML splits the parameters apart: the message says to quote.
        let unquoted = CorpusCase(name: "", input: "iris.csv", features: 4, stages: Corpus.layers("iris-torch-prelu.safetensors", ["0", "2"], "[prelu(0.1, 0.2), identity]"), expected: "")
        try dir.write("p.yaml", Corpus.pipeline(unquoted))
        let split = try dir.nnpipe("run", "p.yaml")
        #expect(split.status == 78)
        #expect(split.stderr.contains(#"unknown activation 'prelu(0.1'; an activation with several parameters is quoted in a flow list, ["hardtanh(-2, 2)", relu]"#), "\(split.stderr)")
    }

    @Test("names that do not say where a layer norm or PReLU runs are refused with the layers and a tensors: block to complete")
    func unpaired() throws {
        let dir = try WorkDir()
        let refused = try Corpus.refusedRun(dir, "iris-torch-named-ln-prelu.safetensors", extra: Self.eps("1e-5"))
        #expect(refused.status == 78)
        #expect(refused.stderr.contains("the file holds layer norms or PReLUs (act, norm) and the names (fc1, head, act, norm) do not differ only in their numbers, so nnpipe cannot tell where each runs. List the layers in the forward stage's tensors:, in the order of the model's forward(), with layer_norm: PREFIX on the layer a LayerNorm follows (before its activation) and prelu: PREFIX on the layer a PReLU follows"), "\(refused.stderr)")
        #expect(refused.stderr.contains("nnpipe:   - {weights: fc1.weight, bias: fc1.bias, transpose: true}\nnnpipe:   - {weights: head.weight, bias: head.bias, transpose: true}"), "\(refused.stderr)")
        #expect(!dir.exists("out.csv"))
    }

    @Test("inspect shows the layer norm and the PReLU attached to the layer they follow, their tensors used")
    func inspect() throws {
        let dir = try WorkDir()
        let state = try dir.nnpipe("inspect", Corpus.folder.appendingPathComponent("iris-torch-ln-prelu.safetensors").path)
        #expect(state.status == 0, "\(state.stderr)")
        #expect(state.stdoutText.contains("bias 0.bias, layer norm 1 (with the forward stage's layer_norm_eps), PReLU 2 (a slope per unit, for prelu in activations:)"), "\(state.stdoutText)")
        #expect(!state.stdoutText.contains("unused"), "\(state.stdoutText)")
        let graph = try dir.nnpipe("inspect", Corpus.folder.appendingPathComponent("iris-torch-ln-eps-dynamo.onnx").path)
        #expect(graph.status == 0, "\(graph.stderr)")
        // The float32 epsilon of a float64 graph, read as the decimal the exporter rounded.
        #expect(graph.stdoutText.contains("layer norm LayerNormalization node 'node_layer_norm' (eps 0.001)"), "\(graph.stdoutText)")
        #expect(!graph.stdoutText.contains("unused"), "\(graph.stdoutText)")
    }
}
