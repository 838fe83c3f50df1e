import Foundation
import Testing

/// One model of `Tests/Fixtures/models/exporters/manifest.csv` (made by
/// `scripts/make_onnx_exporter_fixtures.py`): an ONNX file as scikit-learn (skl2onnx) or PyTorch
/// wrote it, the input it runs on and the framework's own predictions.
struct ExporterCase: CustomTestStringConvertible, Sendable {
    var file: String
    var input: String
    /// The graph output to run (`output:`), empty when the graph has one.
    var output: String
    /// `float64` when the framework computed in float64, else `float32`.
    var precision: String
    /// |nnpipe - framework| ≤ bound + bound·|framework|.
    var bound: Double
    var testDescription: String { file }
}

/// Real exports through `nnpipe run` and `inspect`, compared with the framework's predictions:
/// within 1e-12 (absolute + relative) where the framework computes in float64, and within 1e-5
/// for float32 graphs, run with `precision: float32` (torch float32 nets, whose predictions are
/// float32; skl2onnx FLOAT graphs, whose weights are float32 while scikit-learn predicts in
/// float64). Largest differences measured: 1.1e-14 in float64, 2.9e-6 in float32.
@Suite("Models as exporters write them (skl2onnx, torch.onnx)")
struct OnnxExporterCorpusTests {
    static let folder = CLI.fixture("models/exporters")

    static let cases: [ExporterCase] = {
        guard let text = try? String(contentsOf: folder.appendingPathComponent("manifest.csv"), encoding: .utf8) else { return [] }
        return text.split(separator: "\n").dropFirst().compactMap { line in
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard f.count == 5, let bound = Double(f[4]) else { return nil }
            return ExporterCase(file: f[0], input: f[1], output: f[2], precision: f[3], bound: bound)
        }
    }()

    /// Rows of numbers after a header line.
    static func rows(_ text: String) -> [[Double]] {
        text.split(separator: "\n").dropFirst().map { $0.split(separator: ",").map { Double($0) ?? .nan } }
    }

    static func pipeline(_ test: ExporterCase, model: String? = nil) throws -> String {
        let header = try String(contentsOf: folder.appendingPathComponent(test.input), encoding: .utf8).prefix { $0 != "\n" }
        var forward = "      model: \(model ?? folder.appendingPathComponent(test.file).path)\n"
        if !test.output.isEmpty { forward += "      output: \(test.output)\n" }
        if test.precision == "float32" { forward += "      precision: float32\n" }
        return """
            stages:
              - read:
                  path: \(folder.appendingPathComponent(test.input).path)
                  features: [\(header)]
              - forward:
            \(forward)  - write:
                  path: out.csv

            """
    }

    @Test("the corpus is there")
    func corpusPresent() {
        #expect(Self.cases.count >= 38)
        #expect(Self.cases.contains { $0.file.hasPrefix("skl-") } && Self.cases.contains { $0.file.hasPrefix("torch-") })
    }

    @Test("each export runs and matches its framework's predictions", arguments: cases)
    func matchesFramework(_ test: ExporterCase) throws {
        let dir = try WorkDir()
        try dir.write("p.yaml", try Self.pipeline(test))
        let result = try dir.nnpipe("run", "p.yaml")
        #expect(result.status == 0, "\(result.stderr)")
        let actual = Self.rows(try dir.text("out.csv"))
        let expectedName = test.file.replacingOccurrences(of: ".onnx", with: ".expected.csv")
        let expected = Self.rows(try String(contentsOf: Self.folder.appendingPathComponent(expectedName), encoding: .utf8))
        try #require(actual.count == expected.count && actual.count == 20)
        var largest = 0.0
        for (a, e) in zip(actual, expected) {
            try #require(a.count == e.count)
            for (x, y) in zip(a, e) {
                largest = max(largest, abs(x - y))
                #expect(abs(x - y) <= test.bound + test.bound * abs(y), "\(test.file): nnpipe \(x), framework \(y)")
            }
        }
        print("exporter corpus: \(test.file): max |nnpipe - framework| = \(largest)")
        var arguments = ["inspect", Self.folder.appendingPathComponent(test.file).path]
        if !test.output.isEmpty { arguments += ["--output", test.output] }
        let inspected = try CLI.run(arguments, in: dir.url)
        #expect(inspected.status == 0, "\(inspected.stderr)")
        #expect(inspected.stdoutText.contains("order: the ONNX graph"))
    }

    @Test("inspect lists tensors the network does not use, whatever their type, as unused")
    func unusedTensors() throws {
        let dir = try WorkDir()
        let path = Self.folder.appendingPathComponent("skl-mlp-multi-double-nozipmap.onnx").path
        let result = try dir.nnpipe("inspect", "--output", "probabilities", path)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdoutText.contains("classes       INT32   (3,)    unused"), "\(result.stdoutText)")
        #expect(result.stdoutText.contains("outputs: label, probabilities"))
        let regressor = try dir.nnpipe("inspect", Self.folder.appendingPathComponent("skl-mlp-regressor-double.onnx").path)
        #expect(regressor.stdoutText.contains("shape_tensor  INT64   (2,)\n"), "a Reshape's shape is used: \(regressor.stdoutText)")
        let pipeline = try dir.nnpipe("inspect", "--output", "probabilities",
                                      Self.folder.appendingPathComponent("skl-pipeline-multi-double-nozipmap.onnx").path)
        #expect(pipeline.stdoutText.contains("input steps (before the first layer):\n  x - ["), "\(pipeline.stdoutText)")
    }

    @Test("several outputs without output: are refused, listing them; output: must name one")
    func outputChoice() throws {
        let dir = try WorkDir()
        let test = try #require(Self.cases.first { $0.file == "skl-mlp-multi-double-nozipmap.onnx" })
        var unnamed = test
        unnamed.output = ""
        try dir.write("p.yaml", try Self.pipeline(unnamed))
        let result = try dir.nnpipe("validate", "p.yaml")
        #expect(result.status == 78)
        #expect(result.stderr.contains("the ONNX graph has 2 outputs ('label', 'probabilities'); name the one to run with output: in the forward stage (for example output: probabilities"), "\(result.stderr)")
        var wrong = test
        wrong.output = "probs"
        try dir.write("p.yaml", try Self.pipeline(wrong))
        let misnamed = try dir.nnpipe("run", "p.yaml")
        #expect(misnamed.status == 78)
        #expect(misnamed.stderr.contains("the ONNX graph has no output 'probs'; its outputs are 'label', 'probabilities'"), "\(misnamed.stderr)")
        var label = test
        label.output = "label"
        try dir.write("p.yaml", try Self.pipeline(label))
        let labels = try dir.nnpipe("run", "p.yaml")
        #expect(labels.status == 78)
        #expect(labels.stderr.contains("operator 'ArgMax' is not supported; this output gives class labels; run the probabilities output"), "\(labels.stderr)")
        #expect(!dir.exists("out.csv"))
    }

    static let refusals: [(file: String, phrase: String)] = [
        ("not-gelu.onnx", "nodes Div node 'div', Erf node 'erf', Add node 'add', Mul node 'mul', Mul node 'mul2' after 'z' compute an activation nnpipe does not recognise (what they compute is none of gelu, gelu_tanh, silu, softplus"),
        ("not-gelu.onnx", "export with opset_version=20 or later to get one Gelu node"),
        ("hardsigmoid-0.2.onnx", "HardSigmoid node 'act' computes max(0, min(1, 0.2·x + 0.5)); nnpipe's hardsigmoid is PyTorch's and Keras 3's, alpha 1/6 (0.16666667 as float32) and beta 0.5, and nnpipe has no activation with other constants, so it does not run this graph"),
        ("batchnorm-training.onnx", "BatchNormalization node 'bn' is in training mode; export the model in eval mode (model.eval())"),
        ("cast-int.onnx", "Cast node 'cast' casts to type 7; nnpipe reads Cast to FLOAT (1) or DOUBLE (11) only"),
        ("reshape-other.onnx", "Reshape node 'reshape' reshapes the rows of 2 values to [-1]; nnpipe reads Reshape to (N, 2) only"),
        ("two-outputs.onnx", "the ONNX graph has 2 outputs ('label', 'probabilities'); name the one to run with output:"),
    ]

    @Test("graphs nnpipe cannot run are refused with status 78, naming the operator, its node and what to do",
          arguments: 0..<refusals.count)
    func refused(_ index: Int) throws {
        let (file, phrase) = Self.refusals[index]
        let dir = try WorkDir()
        let path = Self.folder.appendingPathComponent("bad/\(file)").path
        let inspected = try dir.nnpipe("inspect", path)
        #expect(inspected.status == 78)
        #expect(inspected.stderr.contains(phrase), "\(inspected.stderr)")
        let test = ExporterCase(file: "bad/\(file)", input: "iris.csv", output: "", precision: "float64", bound: 0)
        try dir.write("p.yaml", try Self.pipeline(test))
        let result = try dir.nnpipe("run", "p.yaml")
        #expect(result.status == 78)
        #expect(result.stderr.contains(phrase), "\(result.stderr)")
        #expect(!dir.exists("out.csv"))
    }
}

/// ONNX external data (`model.onnx.data` beside the model): read when complete and inside the
/// model's folder, refused with status 78 otherwise.
@Suite("ONNX external data")
struct OnnxExternalDataTests {
    static let model = "torch-gelu-f64-dynamo.onnx"
    static let test = ExporterCase(file: model, input: "iris.csv", output: "", precision: "float64", bound: 1e-12)

    /// Copies the model (with its `location` replaced by `location`, same length) and writes a pipeline over it.
    func setUp(_ dir: WorkDir, folder: String = "m", location: String? = nil, data: Data?) throws -> String {
        try FileManager.default.createDirectory(atPath: dir.path(folder), withIntermediateDirectories: true)
        var bytes = try Data(contentsOf: OnnxExporterCorpusTests.folder.appendingPathComponent(Self.model))
        let original = Data("\(Self.model).data".utf8)
        if let location {
            let replacement = Data(location.utf8)
            try #require(replacement.count == original.count)
            while let range = bytes.range(of: original) { bytes.replaceSubrange(range, with: replacement) }
        }
        try dir.write("\(folder)/\(Self.model)", bytes)
        if let data { try dir.write("\(folder)/\(Self.model).data", data) }
        try dir.write("p.yaml", try OnnxExporterCorpusTests.pipeline(Self.test, model: dir.path("\(folder)/\(Self.model)")))
        return dir.path("\(folder)/\(Self.model)")
    }

    var data: Data { get throws { try Data(contentsOf: OnnxExporterCorpusTests.folder.appendingPathComponent("\(Self.model).data")) } }

    @Test("a model with its data file beside it, copied elsewhere with it, runs and gives the framework's predictions")
    func present() throws {
        let dir = try WorkDir()
        _ = try setUp(dir, data: try data)
        let result = try dir.nnpipe("run", "p.yaml")
        #expect(result.status == 0, "\(result.stderr)")
        let expectedName = Self.model.replacingOccurrences(of: ".onnx", with: ".expected.csv")
        let expected = OnnxExporterCorpusTests.rows(
            try String(contentsOf: OnnxExporterCorpusTests.folder.appendingPathComponent(expectedName), encoding: .utf8))
        let actual = OnnxExporterCorpusTests.rows(try dir.text("out.csv"))
        try #require(actual.count == expected.count && !actual.isEmpty, "\(actual.count) rows, the framework's \(expected.count)")
        for (a, e) in zip(actual, expected) {
            try #require(a.count == e.count)
            for (x, y) in zip(a, e) {
                #expect(abs(x - y) <= Self.test.bound + Self.test.bound * abs(y), "nnpipe \(x), framework \(y)")
            }
        }
    }

    @Test("the data file is never written: --output, --stats-json or --metrics-textfile on it are refused before any row (64), the file unchanged")
    func dataFileIsProtected() throws {
        let dir = try WorkDir()
        _ = try setUp(dir, data: try data)
        let target = "m/\(Self.model).data"
        for option in ["--output", "--stats-json", "--metrics-textfile"] {
            let result = try dir.nnpipe("run", "p.yaml", option, target)
            #expect(result.status == 64, "\(option): \(result.stderr)")
            #expect(result.stderr.contains("\(option) \(target) is the same file as the model's external data file"), "\(result.stderr)")
            #expect(try Data(contentsOf: dir.url.appendingPathComponent(target)) == (try data), "\(option)")
        }
        // Through a link to it, too.
        try FileManager.default.createSymbolicLink(atPath: dir.path("link.data"), withDestinationPath: dir.path(target))
        let linked = try dir.nnpipe("run", "p.yaml", "--output", "link.data")
        #expect(linked.status == 64, "\(linked.stderr)")
        #expect(try Data(contentsOf: dir.url.appendingPathComponent(target)) == (try data))
    }

    @Test("a missing data file is refused, naming it and what to do")
    func missing() throws {
        let dir = try WorkDir()
        let path = try setUp(dir, data: nil)
        let result = try dir.nnpipe("run", "p.yaml")
        #expect(result.status == 78)
        #expect(result.stderr.contains("\(path): ONNX tensor '0.weight' keeps its data in an external file '\(Self.model).data', which is not there"), "\(result.stderr)")
        #expect(result.stderr.contains("external_data=False"))
        #expect(!dir.exists("out.csv"))
        let inspected = try dir.nnpipe("inspect", path)
        #expect(inspected.status == 78)
        #expect(inspected.stdoutText.contains("0.weight  DOUBLE  (16, 4)"), "tensors are listed first: \(inspected.stdoutText)")
    }

    @Test("a short data file is refused with the bytes needed and found")
    func short() throws {
        let dir = try WorkDir()
        let full = try data
        _ = try setUp(dir, data: full.prefix(full.count - 8))
        let result = try dir.nnpipe("run", "p.yaml")
        #expect(result.status == 78)
        #expect(result.stderr.contains("but that file has \(full.count - 8) bytes: truncated, or not the data file written with this model"), "\(result.stderr)")
    }

    @Test("a location outside the model's folder is refused: '..', an absolute path, a link leading out",
          arguments: ["../x.onnx.data" + String(repeating: "x", count: 17), "/tmp/" + String(repeating: "y", count: 26), "link"])
    func escaping(_ kind: String) throws {
        let dir = try WorkDir()
        try dir.write("secret.data", try data)
        let location: String?
        if kind == "link" {
            location = nil
            _ = try setUp(dir, data: nil)
            try FileManager.default.createSymbolicLink(atPath: dir.path("m/\(Self.model).data"), withDestinationPath: "../secret.data")
        } else {
            location = kind
            _ = try setUp(dir, location: kind, data: try data)
        }
        let result = try dir.nnpipe("run", "p.yaml")
        #expect(result.status == 78)
        let phrase = kind == "link" ? "a link that leads outside the model's folder" : "at '\(kind)', outside the model's folder"
        #expect(result.stderr.contains(phrase), "\(result.stderr)")
        #expect(!dir.exists("out.csv"))
    }
}
