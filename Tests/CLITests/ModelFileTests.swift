import Foundation
import Testing

/// A model file from `scripts/make_model_fixtures.py` and how a pipeline runs it.
struct ModelFileCase: CustomTestStringConvertible, Sendable {
    var file: String
    /// The forward stage's `activations:` (npz and safetensors), or nil (ONNX gives its own).
    var activations: String? = "[relu, tanh, sigmoid]"
    /// Extra forward-stage keys, one per line, indented six spaces.
    var extraForward = ""
    /// The numpy float64 reference.
    var expected = "expected.csv"
    var testDescription: String { file }
}

/// A malformed model file and the phrase its message must hold.
struct BadModelCase: CustomTestStringConvertible, Sendable {
    var file: String
    var phrase: String
    var testDescription: String { file }
}

/// Model files in every format, run through `nnpipe run` and compared with numpy.
///
/// Tolerance: |nnpipe - numpy| ≤ 1e-12 + 1e-12·|numpy|, for float64 and float32 weights alike:
/// float32 (and float16) weights are exact in float64, and the reference computes in float64
/// with the float32 weights converted, as nnpipe does.
@Suite("Model files: npz, safetensors, ONNX")
struct ModelFileTests {
    static let folder = CLI.fixture("models")

    static let goodCases: [ModelFileCase] = [
        ModelFileCase(file: "net.npz"),
        ModelFileCase(file: "net-compressed.npz"),
        ModelFileCase(file: "net-zip64.npz"),
        ModelFileCase(file: "net-torch.safetensors"),
        ModelFileCase(file: "net-f32.safetensors", expected: "expected-f32.csv"),
        ModelFileCase(file: "net-custom.safetensors", extraForward: """
                  tensors:
                    - {weights: encoder.kernel, bias: encoder.offset}
                    - {weights: hidden.kernel, bias: hidden.offset, transpose: true}
                    - {weights: head.kernel, bias: head.offset, transpose: false}
            """),
        ModelFileCase(file: "net-gemm.onnx", activations: nil),
        ModelFileCase(file: "net-matmul.onnx", activations: nil),
        ModelFileCase(file: "net-transpose.onnx", activations: nil),
        ModelFileCase(file: "net-f32.onnx", activations: nil, expected: "expected-f32.csv"),
        ModelFileCase(file: "activations.onnx", activations: nil, expected: "expected-activations.csv"),
    ]

    static let badCases: [BadModelCase] = [
        BadModelCase(file: "truncated.npz", phrase: "no ZIP end-of-central-directory record"),
        BadModelCase(file: "wrong-magic.bin", phrase: "not a model file nnpipe reads (it starts with bytes 4d 4f 44 45"),
        BadModelCase(file: "empty.npz", phrase: "the model file is empty"),
        BadModelCase(file: "bad-crc.npz", phrase: "ZIP member 'W0.npy' fails its CRC-32 check"),
        BadModelCase(file: "bad-npy-header.npz", phrase: "bad .npy header at column 58: unexpected character '}'"),
        BadModelCase(file: "npy-huge-shape.npz", phrase: "array 'W0' is truncated: shape [100000, 100000] of <f8 needs 80000000000 bytes"),
        BadModelCase(file: "object-dtype.npz", phrase: "array 'W0' is an object array"),
        BadModelCase(file: "big-endian.npz", phrase: "array 'W0' is big-endian (dtype >f8)"),
        BadModelCase(file: "int-dtype.npz", phrase: "array 'W0' has dtype <i8"),
        BadModelCase(file: "not-chaining.npz", phrase: "shapes do not chain: layer 'W1' takes 7 inputs but layer 'W0' before it gives 8 units"),
        BadModelCase(file: "bias-mismatch.npz", phrase: "bias 'b0' has shape (5,) but weights 'W0' (inputs × units) have 8 units"),
        BadModelCase(file: "nan-weight.npz", phrase: "tensor 'W0' holds nan at flat index 5"),
        BadModelCase(file: "no-layer-names.npz", phrase: "cannot tell the layers from the tensor names ('alpha' <f8 (4, 8), 'beta' <f8 (8,))"),
        BadModelCase(file: "bad-json-header.safetensors", phrase: "the safetensors header is not valid JSON"),
        BadModelCase(file: "header-too-large.safetensors", phrase: "header length 8589934592 bytes is too large"),
        BadModelCase(file: "header-past-end.safetensors", phrase: "header length 5000 bytes runs past the end of the file"),
        BadModelCase(file: "overlapping.safetensors", phrase: "tensors 'W0' and 'b0' overlap"),
        BadModelCase(file: "offsets-out-of-range.safetensors", phrase: "tensor 'b0': data_offsets [256, 320] lie outside the 256 data bytes"),
        BadModelCase(file: "size-mismatch.safetensors", phrase: "shape [4, 9] of F64 needs 288 bytes but data_offsets give 256"),
        BadModelCase(file: "unknown-dtype.safetensors", phrase: "tensor 'W0' has dtype I64"),
        BadModelCase(file: "huge-dims.safetensors", phrase: "tensor 'W0' has an impossible shape"),
        BadModelCase(file: "unsupported-op.onnx", phrase: "Erf node 'mystery': operator 'Erf' is not supported"),
        BadModelCase(file: "trans-a.onnx", phrase: "Gemm node 'dense' has transA=1"),
        BadModelCase(file: "int-weights.onnx", phrase: "ONNX tensor 'W' has data type 7 (INT64)"),
        BadModelCase(file: "truncated.onnx", phrase: "runs past the end of its message"),
        BadModelCase(file: "bad-varint.onnx", phrase: "varint longer than 10 bytes"),
    ]

    /// A pipeline over the fixtures' input with `model` in its forward stage.
    static func pipeline(model: String, activations: String?, extraForward: String = "", output: String = "out.csv") -> String {
        var forward = "      model: \(model)\n"
        if let activations { forward += "      activations: \(activations)\n" }
        if !extraForward.isEmpty { forward += extraForward + "\n" }
        return """
            stages:
              - read:
                  path: \(folder.appendingPathComponent("input.csv").path)
                  features: [x0, x1, x2, x3]
                  carry: [id]
              - forward:
            \(forward)  - write:
                  path: \(output)
            execution:
              chunk_rows: 37

            """
    }

    @Test("nnpipe matches numpy float64", arguments: goodCases)
    func matchesNumpy(_ test: ModelFileCase) throws {
        let dir = try WorkDir()
        try dir.write("p.yaml", Self.pipeline(model: Self.folder.appendingPathComponent(test.file).path,
                                               activations: test.activations, extraForward: test.extraForward))
        let result = try dir.nnpipe("run", "p.yaml")
        #expect(result.status == 0, "\(result.stderr)")
        let actual = numericRows(try dir.text("out.csv"))
        let expected = numericRows(try String(contentsOf: Self.folder.appendingPathComponent(test.expected), encoding: .utf8))
        try #require(actual.count == expected.count && actual.count == 200)
        for (a, e) in zip(actual, expected) {
            #expect(a.id == e.id)
            try #require(a.values.count == e.values.count)
            for (x, y) in zip(a.values, e.values) {
                #expect(abs(x - y) <= 1e-12 + 1e-12 * abs(y), "row \(a.id): nnpipe \(x), numpy \(y)")
            }
        }
    }

    @Test("PyTorch-style safetensors, ONNX Gemm transB=1 and MatMul+Add give the npz's output byte for byte")
    func sameOutputs() throws {
        let dir = try WorkDir()
        var outputs: [String: Data] = [:]
        for (file, activations) in [("net.npz", "[relu, tanh, sigmoid]"), ("net-torch.safetensors", "[relu, tanh, sigmoid]"),
                                    ("net-gemm.onnx", nil), ("net-matmul.onnx", nil), ("net-transpose.onnx", nil)] {
            try dir.write("p.yaml", Self.pipeline(model: Self.folder.appendingPathComponent(file).path, activations: activations))
            let result = try dir.nnpipe("run", "p.yaml")
            #expect(result.status == 0, "\(file): \(result.stderr)")
            outputs[file] = try dir.read("out.csv")
        }
        #expect(outputs["net.npz"]?.isEmpty == false)
        for file in ["net-torch.safetensors", "net-gemm.onnx", "net-matmul.onnx", "net-transpose.onnx"] {
            #expect(outputs[file] == outputs["net.npz"], "\(file)")
        }
    }

    @Test("the format comes from the bytes, not the name")
    func detectedByContent() throws {
        let dir = try WorkDir()
        try dir.write("model.json", try Data(contentsOf: Self.folder.appendingPathComponent("net.npz")))
        try dir.write("p.yaml", Self.pipeline(model: "model.json", activations: "[relu, tanh, sigmoid]"))
        let result = try dir.nnpipe("run", "p.yaml")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(numericRows(try dir.text("out.csv")).count == 200)
    }

    @Test("a malformed model file fails inspect, validate and run with status 78 and its own message", arguments: badCases)
    func badModel(_ test: BadModelCase) throws {
        let dir = try WorkDir()
        let path = Self.folder.appendingPathComponent("bad/\(test.file)").path
        let inspected = try dir.nnpipe("inspect", path)
        #expect(inspected.status == 78)
        #expect(inspected.stderr.contains("nnpipe: \(path): \(test.phrase)") || inspected.stderr.contains(test.phrase),
                "\(inspected.stderr)")
        let activations = test.file.hasSuffix(".onnx") ? nil : "[relu, tanh, sigmoid]"
        try dir.write("p.yaml", Self.pipeline(model: path, activations: activations))
        for command in ["validate", "run"] {
            let result = try dir.nnpipe(command, "p.yaml")
            #expect(result.status == 78, "\(command): \(result.stderr)")
            #expect(result.stderr.contains("stages[1].forward.model: cannot load the model: \(path): "), "\(result.stderr)")
            #expect(result.stderr.contains(test.phrase), "\(command): \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "one line: \(result.stderr)")
        }
        #expect(!dir.exists("out.csv"))
    }

    @Test("inspect lists the tensors and the layers nnpipe builds")
    func inspect() throws {
        let dir = try WorkDir()
        let path = Self.folder.appendingPathComponent("net-torch.safetensors").path
        let result = try dir.nnpipe("inspect", path)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdoutText == """
            \(path): safetensors, 6 tensors
            tensors:
              net.0.bias    F64  (8,)
              net.0.weight  F64  (8, 4)
              net.2.bias    F64  (6,)
              net.2.weight  F64  (6, 8)
              net.4.bias    F64  (3,)
              net.4.weight  F64  (3, 6)
            layers (inputs→units):
              0  net.0  4→8  activation: from the pipeline; weights net.0.weight (units × inputs, transposed), bias net.0.bias
              1  net.2  8→6  activation: from the pipeline; weights net.2.weight (units × inputs, transposed), bias net.2.bias
              2  net.4  6→3  activation: from the pipeline; weights net.4.weight (units × inputs, transposed), bias net.4.bias
            order: by the numbers in the names (net.0, net.2, …)

            """)
        let onnx = try dir.nnpipe("inspect", Self.folder.appendingPathComponent("net-matmul.onnx").path)
        #expect(onnx.status == 0, "\(onnx.stderr)")
        #expect(onnx.stdoutText.contains(": ONNX, 5 tensors\n"))
        #expect(onnx.stdoutText.contains("  0  dense0/MatMul  4→8  activation: relu; weights W0 (inputs × units), bias b0\n"))
        #expect(onnx.stdoutText.contains("  2  dense2/MatMul  6→3  activation: sigmoid; weights W2 (inputs × units), bias b2\n"))
        let unnamed = try dir.nnpipe("inspect", Self.folder.appendingPathComponent("net-custom.safetensors").path)
        #expect(unnamed.status == 78)
        #expect(unnamed.stdoutText.contains("  hidden.kernel   F64  (6, 8)\n"), "tensors are listed before the error")
        #expect(unnamed.stderr.contains("cannot tell the layers from the tensor names"))
        let missing = try dir.nnpipe("inspect", dir.path("nothing.npz"))
        #expect(missing.status == 78)
        #expect(missing.stderr.contains("model file not found"))
    }

    static let configCases: [(name: String, model: String, activations: String?, extra: String, phrase: String)] = [
        ("activations missing for npz", "net.npz", nil, "",
         "stages[1].forward.model: the model (npz) holds no activations; give one per layer with activations: [...] (layers found: W0 (4→8), W1 (8→6), W2 (6→3))"),
        ("too few activations", "net-torch.safetensors", "[relu, sigmoid]", "",
         "stages[1].forward.activations: lists 2 activations but the model has 3 layers: net.0 (4→8), net.2 (8→6), net.4 (6→3)"),
        ("unknown activation", "net.npz", "[relu, tanh, sigmod]", "",
         "stages[1].forward.activations[2]: unknown activation 'sigmod'"),
        ("activations for ONNX", "net-gemm.onnx", "[relu, tanh, sigmoid]", "",
         "stages[1].forward.activations: the model (onnx) gives its own activations; remove activations"),
        ("tensors for ONNX", "net-gemm.onnx", nil, "      tensors: [{weights: fc1.weight}]",
         "stages[1].forward.tensors: the model (onnx) gives its own layers"),
        ("tensors naming a missing tensor", "net-custom.safetensors", "[relu]", "      tensors: [{weights: encoder.kernl}]",
         "no tensor named 'encoder.kernl' in the file; it holds: "),
        ("tensors entry with an unknown key", "net-custom.safetensors", "[relu]", "      tensors: [{weights: encoder.kernel, transposed: true}]",
         "stages[1].forward.tensors[0].transposed: unknown key 'transposed'; did you mean 'transpose'?"),
        ("mapped shapes that do not chain", "net-custom.safetensors", "[relu, relu]",
         "      tensors: [{weights: encoder.kernel}, {weights: hidden.kernel}]",
         "shapes do not chain: layer 'hidden.kernel' takes 6 inputs but layer 'encoder.kernel' before it gives 8 units"),
    ]

    @Test("forward-stage mistakes with model files are configuration errors (status 78)", arguments: 0..<configCases.count)
    func configErrors(_ index: Int) throws {
        let test = Self.configCases[index]
        let dir = try WorkDir()
        try dir.write("p.yaml", Self.pipeline(model: Self.folder.appendingPathComponent(test.model).path,
                                               activations: test.activations, extraForward: test.extra))
        let result = try dir.nnpipe("validate", "p.yaml")
        #expect(result.status == 78, "\(test.name): \(result.stderr)")
        #expect(result.stderr.contains(test.phrase), "\(test.name): \(result.stderr)")
    }

    @Test("inline layers take no activations: or tensors: keys")
    func inlineLayersRefuseFileKeys() throws {
        let dir = try WorkDir()
        try dir.write("p.yaml", """
            stages:
              - read: {path: in.csv, features: [x1]}
              - forward:
                  layers: [{weights: [[1]], bias: [0], activation: relu}]
                  activations: [relu]
              - write: {path: out.csv}
            """)
        let result = try dir.nnpipe("validate", "p.yaml")
        #expect(result.status == 78)
        #expect(result.stderr.contains("stages[1].forward.activations: activations goes with a model file"), "\(result.stderr)")
    }

    @Test("the example pipelines for npz, safetensors and ONNX give the JSON model's output byte for byte")
    func examplesAgree() throws {
        let dir = try WorkDir()
        var outputs: [String: Data] = [:]
        for name in ["sensor-classes", "sensor-classes-npz", "sensor-classes-safetensors", "sensor-classes-onnx"] {
            let path = CLI.repoRoot.appendingPathComponent("pipelines/\(name).yaml").path
            let result = try CLI.run(["run", path, "--output", dir.path("\(name).csv")], in: dir.url)
            #expect(result.status == 0, "\(name): \(result.stderr)")
            outputs[name] = try dir.read("\(name).csv")
        }
        #expect(outputs["sensor-classes"]?.isEmpty == false)
        for name in ["sensor-classes-npz", "sensor-classes-safetensors", "sensor-classes-onnx"] {
            #expect(outputs[name] == outputs["sensor-classes"], "\(name)")
        }
    }
}
