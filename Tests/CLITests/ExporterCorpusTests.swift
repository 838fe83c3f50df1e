import Foundation
import Testing

/// A file from `scripts/make_exporter_fixtures.py`, the stages that run it, and the framework's
/// own predictions.
struct CorpusCase: CustomTestStringConvertible, Sendable {
    var name: String
    /// The input CSV in the corpus folder, and its feature count (columns f0, f1, …).
    var input: String
    var features: Int
    /// The stages between read and write, indented as list items of `stages:`.
    var stages: String
    var expected: String
    /// |nnpipe - framework| ≤ tolerance · (1 + |framework|).
    var tolerance = 1e-12
    var testDescription: String { name }
}

/// Models trained and saved by scikit-learn, PyTorch and Keras as their documentation shows,
/// run through `nnpipe run` and compared with the framework's own predictions: within 1e-12
/// (absolute + relative) where the framework computes in float64, 1e-15 for scalers (the same
/// operations in the same order), 1e-5 for PyTorch in float32 (`precision: float32`).
@Suite("Exporter corpus: scikit-learn, PyTorch, Keras files")
struct ExporterCorpusTests {
    static let folder = CLI.fixture("models/exporters-misc")

    static func forward(_ model: String, _ activations: String, extra: String = "") -> String {
        "  - forward:\n      model: \(folder.appendingPathComponent(model).path)\n      activations: \(activations)\n" + extra
    }

    /// A forward stage over the state_dict layers `prefixes` (nn.Linear: transposed) of `model`.
    static func layers(_ model: String, _ prefixes: [String], _ activations: String) -> String {
        let entries = prefixes.map { "{weights: \($0).weight, bias: \($0).bias, transpose: true}" }.joined(separator: ", ")
        return forward(model, activations, extra: "      tensors: [\(entries)]\n")
    }

    /// A forward stage over an ONNX graph, which gives its own activations.
    static func graph(_ model: String) -> String {
        "  - forward:\n      model: \(folder.appendingPathComponent(model).path)\n"
    }

    static func scale(_ file: String) -> String {
        "  - scale: {file: \(folder.appendingPathComponent(file).path)}\n"
    }

    /// A forward stage that passes the scaled values through unchanged (x · I + 0 is exact),
    /// since a pipeline needs one; the test writes `identity.json`.
    static let identity = "  - forward: {model: identity.json}\n"

    static let cases: [CorpusCase] = [
        CorpusCase(name: "MLPClassifier npz with integer classes_", input: "iris.csv", features: 4,
                   stages: forward("iris-mlp-classifier.npz", "[relu, softmax]"), expected: "iris-mlp-classifier.expected.csv"),
        CorpusCase(name: "MLPRegressor npz", input: "diabetes.csv", features: 10,
                   stages: forward("diabetes-mlp-regressor.npz", "[tanh, identity]"), expected: "diabetes-mlp-regressor.expected.csv"),
        CorpusCase(name: "MLPRegressor(loss=poisson) ends in exp", input: "diabetes.csv", features: 10,
                   stages: forward("diabetes-mlp-poisson.npz", "[relu, exp]"), expected: "diabetes-mlp-poisson.expected.csv"),
        CorpusCase(name: "StandardScaler in scikit-learn's words", input: "digits.csv", features: 64,
                   stages: scale("digits-standard.json") + identity, expected: "digits-standard.expected.csv", tolerance: 1e-15),
        CorpusCase(name: "MinMaxScaler with constant columns", input: "digits.csv", features: 64,
                   stages: scale("digits-minmax.json") + identity, expected: "digits-minmax.expected.csv", tolerance: 1e-15),
        CorpusCase(name: "Pipeline(MinMaxScaler((-1, 1)), MLPClassifier)", input: "digits.csv", features: 64,
                   stages: scale("digits-pipeline-minmax.json") + forward("digits-pipeline-mlp.npz", "[relu, softmax]"),
                   expected: "digits-pipeline.expected.csv"),
        CorpusCase(name: "torch Sequential with BatchNorm1d, safetensors float64", input: "iris.csv", features: 4,
                   stages: forward("iris-torch-batchnorm.safetensors", "[relu, identity]", extra: "      batch_norm_eps: 1e-5\n"),
                   expected: "iris-torch-batchnorm.expected.csv"),
        CorpusCase(name: "torch Sequential with BatchNorm1d, safetensors float32", input: "iris.csv", features: 4,
                   stages: forward("iris-torch-batchnorm-f32.safetensors", "[relu, identity]",
                                   extra: "      precision: float32\n      batch_norm_eps: 1e-5\n"),
                   expected: "iris-torch-batchnorm-f32.expected.csv", tolerance: 1e-5),
        CorpusCase(name: "torch BatchNorm1d(eps=1e-3), safetensors, with batch_norm_eps", input: "iris.csv", features: 4,
                   stages: forward("iris-torch-bn-eps.safetensors", "[relu, identity]", extra: "      batch_norm_eps: 0.001\n"),
                   expected: "iris-torch-bn-eps.expected.csv"),
        CorpusCase(name: "torch BatchNorm1d after the ReLU: forward, scale (the refusal's recipe), forward", input: "iris.csv", features: 4,
                   stages: layers("iris-torch-bn-after-relu.safetensors", ["0"], "[relu]") + scale("iris-torch-bn-after-relu.2.json")
                       + layers("iris-torch-bn-after-relu.safetensors", ["3"], "[identity]"),
                   expected: "iris-torch-bn-after-relu.expected.csv"),
        CorpusCase(name: "torch mean/std buffers: scale (the refusal's recipe), forward", input: "iris.csv", features: 4,
                   stages: scale("iris-torch-normalize.norm.json") + layers("iris-torch-normalize.safetensors", ["1", "3"], "[relu, identity]"),
                   expected: "iris-torch-normalize.expected.csv"),
        CorpusCase(name: "torch LeakyReLU(0.2), ELU(0.5) float64, dynamo ONNX: alpha as the decimal", input: "iris.csv", features: 4,
                   stages: graph("iris-torch-leaky-elu-dynamo.onnx"), expected: "iris-torch-leaky-elu-dynamo.expected.csv"),
        CorpusCase(name: "torch LeakyReLU(0.2), ELU(0.5) float64, TorchScript ONNX: alpha as the decimal", input: "iris.csv", features: 4,
                   stages: graph("iris-torch-leaky-elu-torchscript.onnx"), expected: "iris-torch-leaky-elu-torchscript.expected.csv"),
        CorpusCase(name: "ONNX Softplus beyond 20 is log(1 + e^x) (numpy's logaddexp)", input: "iris.csv", features: 4,
                   stages: graph("iris-onnx-softplus.onnx"), expected: "iris-onnx-softplus.expected.csv"),
        CorpusCase(name: "ONNX Softplus then Cast to double (Keras' torch backend)", input: "iris.csv", features: 4,
                   stages: graph("iris-onnx-softplus-cast.onnx"), expected: "iris-onnx-softplus-cast.expected.csv"),
        CorpusCase(name: "torch PReLU() with slope 0.3, safetensors: leaky_relu(0.3) and tensors:", input: "iris.csv", features: 4,
                   stages: layers("iris-torch-prelu.safetensors", ["0", "2"], "[leaky_relu(0.3), identity]"),
                   expected: "iris-torch-prelu.expected.csv"),
        CorpusCase(name: "torch tied weights, safetensors.torch.save_model (__metadata__ alias)", input: "iris.csv", features: 4,
                   stages: forward("iris-torch-tied.safetensors", "[relu, relu, identity]"), expected: "iris-torch-tied.expected.csv"),
        CorpusCase(name: "Keras 3 .keras written as npz by a recipe, with the activations it printed", input: "iris.csv", features: 4,
                   // Keras 3.15.1 on the torch backend computes float64 Dense layers' products in float32 (KerasFileTests):
                   // its predictions are up to 2.5e-7 from float64 arithmetic on the same weights, so 1e-6 here.
                   stages: forward("iris-keras3.npz", "[leaky_relu(0.2), relu, softmax]"), expected: "iris-keras3.expected.csv",
                   tolerance: 1e-6),
        CorpusCase(name: "Keras leaky_relu (slope 0.2), relu, softmax via get_weights", input: "iris.csv", features: 4,
                   stages: forward("iris-keras.npz", "[leaky_relu(0.2), relu, softmax]"), expected: "iris-keras.expected.csv"),
        CorpusCase(name: "Keras gelu (exact), elu, linear via get_weights", input: "iris.csv", features: 4,
                   stages: forward("iris-keras-gelu.npz", "[gelu, elu, identity]"), expected: "iris-keras-gelu.expected.csv"),
    ]

    /// PyTorch's activations in the ONNX forms its exporters write (`make_exporter_fixtures.py forms`):
    /// one operator (HardSwish, HardSigmoid with alpha 0.16666667, Mish, Selu, Celu, Clip with
    /// bounds as inputs or, at opset 10, as attributes) or a run (Softplus/Tanh/Mul,
    /// Abs/Add/Div, Sigmoid/Log), each giving PyTorch's float64 numbers.
    static let formCases: [CorpusCase] = {
        let forms = ["hardswish", "hardsigmoid", "mish", "selu", "celu", "celu-0.5", "relu6", "hardtanh", "softsign", "logsigmoid"]
        var cases: [CorpusCase] = []
        for form in forms {
            var variants = ["dynamo", "torchscript-17"]
            if form == "relu6" || form == "hardtanh" { variants.append("torchscript-10") }
            for variant in variants {
                cases.append(CorpusCase(name: "torch \(form) as ONNX (\(variant))", input: "iris.csv", features: 4,
                                        stages: graph("iris-torch-act-\(form)-\(variant).onnx"), expected: "iris-torch-act-\(form).expected.csv"))
            }
        }
        cases.append(CorpusCase(name: "torch hardsigmoid float32 as ONNX (dynamo)", input: "iris.csv", features: 4,
                                stages: graph("iris-torch-act-hardsigmoid-f32-dynamo.onnx") + "      precision: float32\n",
                                expected: "iris-torch-act-hardsigmoid-f32.expected.csv", tolerance: 1e-5))
        cases.append(CorpusCase(name: "hardswish written as Add/Clip/Div/Mul (numpy)", input: "iris.csv", features: 4,
                                stages: graph("iris-onnx-hardswish-run.onnx"), expected: "iris-onnx-hardswish-run.expected.csv"))
        cases.append(CorpusCase(name: "Clip with no min, max 6 (numpy)", input: "iris.csv", features: 4,
                                stages: graph("iris-onnx-clip-max.onnx"), expected: "iris-onnx-clip-max.expected.csv"))
        cases.append(CorpusCase(name: "Unsqueeze, Squeeze, Flatten and Identity between layers are no-ops (numpy)", input: "iris.csv",
                                features: 4, stages: graph("iris-onnx-squeeze.onnx"), expected: "iris-onnx-squeeze.expected.csv"))
        return cases
    }()

    @Test("each activation in the ONNX form torch writes gives PyTorch's predictions", arguments: formCases)
    func activationForms(_ test: CorpusCase) throws {
        try matchesFramework(test)
    }

    static func pipeline(_ test: CorpusCase) -> String {
        let features = (0..<test.features).map { "f\($0)" }.joined(separator: ", ")
        return """
            stages:
              - read:
                  path: \(folder.appendingPathComponent(test.input).path)
                  features: [\(features)]
                  carry: [id]
            \(test.stages)  - write:
                  path: out.csv

            """
    }

    @Test("each file gives its framework's predictions", arguments: cases)
    func matchesFramework(_ test: CorpusCase) throws {
        let dir = try WorkDir()
        try dir.write("p.yaml", Self.pipeline(test))
        let rows = (0..<test.features).map { i in "[" + (0..<test.features).map { $0 == i ? "1" : "0" }.joined(separator: ",") + "]" }
        try dir.write("identity.json", "{\"layers\": [{\"weights\": [\(rows.joined(separator: ","))], \"bias\": [\((0..<test.features).map { _ in "0" }.joined(separator: ","))], \"activation\": \"identity\"}]}")
        let result = try dir.nnpipe("run", "p.yaml")
        try #require(result.status == 0, "\(result.stderr)")
        let actual = numericRows(try dir.text("out.csv"))
        let expected = numericRows(try String(contentsOf: Self.folder.appendingPathComponent(test.expected), encoding: .utf8))
        try #require(actual.count == expected.count && !actual.isEmpty)
        var largest = 0.0
        for (a, e) in zip(actual, expected) {
            #expect(a.id == e.id)
            try #require(a.values.count == e.values.count)
            for (x, y) in zip(a.values, e.values) {
                largest = max(largest, abs(x - y) / (1 + abs(y)))
                #expect(abs(x - y) <= test.tolerance * (1 + abs(y)), "row \(a.id): nnpipe \(x), framework \(y)")
            }
        }
        print("\(test.name): largest difference \(largest)")
    }

    @Test("inspect lists every corpus model, integer tensors marked unused and the batch norm folded")
    func inspect() throws {
        let dir = try WorkDir()
        let models = ["iris-mlp-classifier.npz", "diabetes-mlp-regressor.npz", "diabetes-mlp-poisson.npz", "digits-pipeline-mlp.npz",
                      "iris-torch-batchnorm.safetensors", "iris-torch-batchnorm-f32.safetensors", "iris-keras.npz", "iris-keras-gelu.npz"]
        for model in models {
            let result = try dir.nnpipe("inspect", Self.folder.appendingPathComponent(model).path)
            #expect(result.status == 0, "\(model): \(result.stderr)")
        }
        let classifier = try dir.nnpipe("inspect", Self.folder.appendingPathComponent("iris-mlp-classifier.npz").path)
        #expect(classifier.stdoutText.contains("  classes  <i8  (3,)    unused"), "\(classifier.stdoutText)")
        let torch = try dir.nnpipe("inspect", Self.folder.appendingPathComponent("iris-torch-batchnorm.safetensors").path)
        #expect(torch.stdoutText.contains("1.num_batches_tracked  I64  ()      unused"), "\(torch.stdoutText)")
        #expect(torch.stdoutText.contains("bias 0.bias, batch norm 1 folded in"))
        #expect(!torch.stdoutText.contains("1.running_mean         F64  (8,)    unused"))
    }

    @Test("a torch.save file (ZIP or bare pickle) is refused with the two exports that work", arguments: ["iris-torch.pt", "iris-torch-legacy.pt"])
    func torchPickle(_ file: String) throws {
        let dir = try WorkDir()
        let result = try dir.nnpipe("inspect", Self.folder.appendingPathComponent(file).path)
        #expect(result.status == 78)
        #expect(result.stderr.contains("is a PyTorch pickle (torch.save, .pt/.pth), which nnpipe does not read"), "\(result.stderr)")
        #expect(result.stderr.contains("save_file(model.state_dict(), \"model.safetensors\")"))
        #expect(result.stderr.contains("torch.onnx.export(model.eval()"))
    }

    /// A forward stage over `model` listing its layers by name, with `extra` keys.
    static func refusedRun(_ dir: WorkDir, _ model: String, extra: String = "") throws -> (status: Int32, stderr: String) {
        let test = CorpusCase(name: model, input: "iris.csv", features: 4,
                              stages: forward(model, "[relu, identity]", extra: extra), expected: "")
        try dir.write("p.yaml", Self.pipeline(test))
        let result = try dir.nnpipe("run", "p.yaml")
        return (result.status, result.stderr)
    }

    @Test("refusals that lead to the exact numbers: the corpus cases above follow each of them")
    func refusalsNameTheRoute() throws {
        let dir = try WorkDir()
        let eps = try Self.refusedRun(dir, "iris-torch-bn-eps.safetensors")
        #expect(eps.status == 78)
        #expect(eps.stderr.contains("batch norm '1' is folded into the layer before with its eps, which a state_dict does not record; give the eps the model was built with (BatchNorm1d(eps=...); PyTorch's default is 1e-5) in the forward stage: batch_norm_eps: 1e-5 (on the command line: --set forward.batch_norm_eps=1e-5)"), "\(eps.stderr)")
        // The recipes the corpus files were made with (scripts/make_exporter_fixtures.py), as printed.
        let after = try Self.refusedRun(dir, "iris-torch-bn-after-relu.safetensors", extra: "      batch_norm_eps: 1e-5\n")
        #expect(after.status == 78)
        #expect(after.stderr.contains("split the network there into two forward stages (each with tensors: listing its layers, and activations:) with a scale stage between them, - scale: {file: 2.json}"), "\(after.stderr)")
        #expect(after.stderr.contains(#"python3 -c 'import json; from safetensors.torch import load_file; t = load_file("MODEL.safetensors"); p = "2"; eps = 1e-5; a = t[p + ".weight"] / (t[p + ".running_var"] + eps).sqrt(); json.dump({"scale_": a.tolist(), "min_": (t[p + ".bias"] - t[p + ".running_mean"] * a).tolist(), "clip": False}, open(p + ".json", "w"))'"#))
        let normalize = try Self.refusedRun(dir, "iris-torch-normalize.safetensors")
        #expect(normalize.status == 78)
        #expect(normalize.stderr.contains("if the model computes (x - 0.mean) / 0.std before its first layer, run that as a scale stage before the forward stage, - scale: {file: norm.json}"), "\(normalize.stderr)")
        #expect(normalize.stderr.contains(#"python3 -c 'import json; from safetensors.torch import load_file; t = load_file("MODEL.safetensors"); json.dump({"mean": t["0.mean"].tolist(), "scale": t["0.std"].tolist()}, open("norm.json", "w"))'"#))
    }

    @Test("--set forward.batch_norm_eps, as the refusal says, gives PyTorch's numbers without a pipeline file")
    func batchNormEpsilonOnTheCommandLine() throws {
        let dir = try WorkDir()
        let model = Self.folder.appendingPathComponent("iris-torch-bn-eps.safetensors").path
        let input = Self.folder.appendingPathComponent("iris.csv").path
        let refused = try dir.nnpipe("run", "--model", model, "--activations", "relu,identity", "--features", "f0,f1,f2,f3",
                                     "--carry", "id", "--output", "out.csv", input)
        #expect(refused.status == 78 && refused.stderr.contains("--set forward.batch_norm_eps=1e-5"), "\(refused.stderr)")
        let result = try dir.nnpipe("run", "--model", model, "--activations", "relu,identity", "--features", "f0,f1,f2,f3",
                                    "--carry", "id", "--set", "forward.batch_norm_eps=0.001", "--output", "out.csv", input)
        try #require(result.status == 0, "\(result.stderr)")
        let actual = numericRows(try dir.text("out.csv"))
        let expected = numericRows(try String(contentsOf: Self.folder.appendingPathComponent("iris-torch-bn-eps.expected.csv"), encoding: .utf8))
        try #require(actual.count == expected.count && !actual.isEmpty)
        for (a, e) in zip(actual, expected) {
            for (x, y) in zip(a.values, e.values) { #expect(abs(x - y) <= 1e-12 * (1 + abs(y)), "row \(a.id): nnpipe \(x), torch \(y)") }
        }
    }
}
