import Foundation
import Testing

/// Keras 3's own files (`scripts/make_exporter_fixtures.py keras-files`, Keras 3.15.1 on the
/// torch backend) run by `nnpipe run` as the forward stage's model, with no activations given.
///
/// Two oracles: the generator's float64 evaluation of each layer with Keras' formulas
/// (`NAME.expected.csv`, within 1e-12), and Keras' own `model.predict` (`NAME.keras-predict.csv`).
/// Keras 3.15's `ops.matmul` computes float64 Dense layers in float32 (its type promotion maps
/// 64-bit types to 32-bit ones, as JAX does without x64) and casts back, so its float64
/// predictions are 1e-7 to 4e-6 from float64 arithmetic: within 1e-5 there.
@Suite("Keras 3 files: .keras and .weights.h5")
struct KerasFileTests {
    static let folder = ExporterCorpusTests.folder

    static func model(_ file: String, extra: String = "") -> String {
        "  - forward:\n      model: \(folder.appendingPathComponent(file).path)\n" + extra
    }

    static let cases: [CorpusCase] = [
        CorpusCase(name: "Sequential: Normalization, Dense without bias, BatchNormalization(eps 0.01), Activation, Dense(elu), BatchNormalization, LeakyReLU(0.1), Dropout, ReLU",
                   input: "iris.csv", features: 4, stages: model("iris-keras3-layers.keras"), expected: "iris-keras3-layers.expected.csv"),
        CorpusCase(name: "the same, against Keras' predict", input: "iris.csv", features: 4,
                   stages: model("iris-keras3-layers.keras"), expected: "iris-keras3-layers.keras-predict.csv", tolerance: 1e-5),
        CorpusCase(name: "Functional chain: Dense(silu), Dropout, Dense", input: "iris.csv", features: 4,
                   stages: model("iris-keras3-functional.keras"), expected: "iris-keras3-functional.expected.csv"),
        CorpusCase(name: "the same, against Keras' predict", input: "iris.csv", features: 4,
                   stages: model("iris-keras3-functional.keras"), expected: "iris-keras3-functional.keras-predict.csv", tolerance: 1e-5),
        CorpusCase(name: "the Functional model's save_weights, with config.json (model.to_json()) beside it", input: "iris.csv", features: 4,
                   stages: model("keras-weights/iris.weights.h5"), expected: "iris-keras3-functional.expected.csv"),
        CorpusCase(name: "float32 Sequential with BatchNormalization, precision: float32, against Keras' predict", input: "iris.csv", features: 4,
                   stages: model("iris-keras3-f32.keras", extra: "      precision: float32\n"),
                   expected: "iris-keras3-f32.keras-predict.csv", tolerance: 1e-5),
        CorpusCase(name: "LayerNormalization(eps 0.01) between a Dense layer and its Activation; BatchNormalization folded before a LayerNormalization",
                   input: "iris.csv", features: 4, stages: model("iris-keras3-layernorm.keras"), expected: "iris-keras3-layernorm.expected.csv"),
        CorpusCase(name: "the same, against Keras' predict", input: "iris.csv", features: 4,
                   stages: model("iris-keras3-layernorm.keras"), expected: "iris-keras3-layernorm.keras-predict.csv", tolerance: 1e-5),
        CorpusCase(name: "the .keras whose npz the old route wrote: leaky_relu(0.2), relu without bias, Dropout, softmax, against Keras' predict",
                   input: "iris.csv", features: 4, stages: model("iris-keras3.keras"), expected: "iris-keras3.expected.csv", tolerance: 1e-5),
    ]

    @Test("each Keras file gives Keras' numbers", arguments: cases)
    func matchesKeras(_ test: CorpusCase) throws {
        try ExporterCorpusTests().matchesFramework(test)
    }

    @Test("a .keras file and the npz its Dense layers were written to give the same numbers")
    func sameAsNpzRoute() throws {
        let dir = try WorkDir()
        let input = Self.folder.appendingPathComponent("iris.csv").path
        let common = ["--features", "f0,f1,f2,f3", "--carry", "id"]
        let keras = try CLI.run(["run", "--model", Self.folder.appendingPathComponent("iris-keras3.keras").path] + common + ["--output", "a.csv", input], in: dir.url)
        try #require(keras.status == 0, "\(keras.stderr)")
        let npz = try CLI.run(["run", "--model", Self.folder.appendingPathComponent("iris-keras3.npz").path,
                                  "--activations", "leaky_relu(0.2),relu,softmax"] + common + ["--output", "b.csv", input], in: dir.url)
        try #require(npz.status == 0, "\(npz.stderr)")
        #expect(try dir.text("a.csv") == dir.text("b.csv"))
    }

    @Test("inspect shows the input steps, the folded batch norm with its epsilon, and the layers Keras names")
    func inspect() throws {
        let dir = try WorkDir()
        let result = try dir.nnpipe("inspect", Self.folder.appendingPathComponent("iris-keras3-layers.keras").path)
        try #require(result.status == 0, "\(result.stderr)")
        let text = result.stdoutText
        #expect(text.contains("iris-keras3-layers.keras: Keras 3, 19 tensors"), "\(text)")
        #expect(text.contains("  x - [5.843333333333335, 3.057333333333334, 3.7580000000000027, …] (Normalization 'normalization')"), "\(text)")
        #expect(text.contains("activation: tanh; weights layers/dense/vars/0 (inputs × units), no bias, batch norm batch_normalization folded in (with its epsilon, 0.01, from config.json)"), "\(text)")
        #expect(text.contains("activation: leaky_relu(0.1); weights layers/dense_2/vars/0"), "\(text)")
        #expect(text.contains("order: the Keras model's config"), "\(text)")
    }

    @Test("a layer nnpipe does not run is refused by its class name", arguments: [
        ("iris-keras3-conv1d.keras", "Keras layer 'conv1d' (Conv1D) is a layer nnpipe does not run; nnpipe runs Keras models made of InputLayer, Dense, Activation, ReLU, LeakyReLU, BatchNormalization, Normalization, LayerNormalization, Dropout layers: export this model to ONNX instead"),
        ("iris-keras3-layernorm-after-relu.keras", "Keras layer 'after_relu' (LayerNormalization) comes after an activation (or before the first Dense layer); nnpipe runs a layer norm only between a Dense layer and its activation, so it cannot run this model"),
    ])
    func refusedLayer(_ file: String, _ message: String) throws {
        let dir = try WorkDir()
        let result = try dir.nnpipe("inspect", Self.folder.appendingPathComponent(file).path)
        #expect(result.status == 78)
        #expect(result.stderr.contains("\(file): \(message)"), "\(result.stderr)")
    }

    @Test("a .weights.h5 without config.json beside it is refused saying what to give")
    func weightsWithoutConfig() throws {
        let dir = try WorkDir()
        try dir.write("iris.weights.h5", Data(contentsOf: Self.folder.appendingPathComponent("keras-weights/iris.weights.h5")))
        let result = try dir.nnpipe("inspect", "iris.weights.h5")
        #expect(result.status == 78)
        #expect(result.stderr.contains("iris.weights.h5: the file is HDF5: Keras weights (model.save_weights, .weights.h5) without the model's architecture, which nnpipe reads from config.json in the same folder; save the whole model instead with model.save(\"model.keras\") and give that file, or write the architecture beside the weights with open(\"config.json\", \"w\").write(model.to_json())"), "\(result.stderr)")
    }

    @Test("a .keras file whose model.weights.h5 is cut short is refused as damaged, and one without it as not saved by Keras 3")
    func damagedWeights() throws {
        let dir = try WorkDir()
        try dir.write("cut.py", """
            import sys, zipfile
            with zipfile.ZipFile(sys.argv[1]) as source:
                config, weights = source.read("config.json"), source.read("model.weights.h5")
            with zipfile.ZipFile("cut.keras", "w") as archive:
                archive.writestr("config.json", config)
                archive.writestr("model.weights.h5", weights[:len(weights) // 2])
            with zipfile.ZipFile("none.keras", "w") as archive:
                archive.writestr("config.json", config)
            """)
        try Shell.run("python3 cut.py \(shellQuoted(Self.folder.appendingPathComponent("iris-keras3.keras").path))", in: dir.url)
        let cut = try dir.nnpipe("inspect", "cut.keras")
        #expect(cut.status == 78)
        #expect(cut.stderr.contains("cut.keras: model.weights.h5 is not an HDF5 file libhdf5 opens: damaged or truncated?"), "\(cut.stderr)")
        #expect(!cut.stderr.contains("Fatal error"), "\(cut.stderr)")
        let none = try dir.nnpipe("inspect", "none.keras")
        #expect(none.status == 78)
        #expect(none.stderr.contains("none.keras: the Keras model (.keras) has no model.weights.h5: was it saved by Keras 3's model.save?"), "\(none.stderr)")
    }

    /// Hides every installed libhdf5 from the commands after it (bind-mounts /dev/null over it;
    /// run in a mount namespace of its own, `unshare -m`).
    static let hideLibrary = "for f in /usr/lib/*/libhdf5_serial.so.*.*.* /usr/lib/*/libhdf5.so.*.*.*; do [ -f \"$f\" ] && mount --bind /dev/null \"$f\"; done\n"
    /// Whether this machine lets a test hide libhdf5 that way (root, mount namespaces allowed).
    static let canHideLibrary: Bool = {
        guard let dir = try? WorkDir(), (try? dir.write("hide.sh", hideLibrary + "echo hidden\n")) != nil,
              let out = try? Shell.run("unshare -m sh hide.sh 2> /dev/null", in: dir.url) else { return false }
        return String(decoding: out, as: UTF8.self) == "hidden\n"
    }()

    @Test("without libhdf5 a Keras file is refused naming the package to install, and other models still run",
          .enabled(if: canHideLibrary, "needs unshare -m and mount (root in a mount namespace)"))
    func withoutLibrary() throws {
        let dir = try WorkDir()
        try dir.write("run.sh", Self.hideLibrary + """
            "$NNPIPE" inspect "$MODELS/iris-keras3.keras" 2> err.txt; echo "keras $?"
            "$NNPIPE" inspect "$MODELS/iris-keras3.npz" > /dev/null; echo "npz $?"

            """)
        let out = try Shell.run("NNPIPE=\(shellQuoted(CLI.binary.path)) MODELS=\(shellQuoted(Self.folder.path)) unshare -m sh run.sh", in: dir.url)
        let stderr = try dir.text("err.txt")
        #expect(String(decoding: out, as: UTF8.self) == "keras 78\nnpz 0\n", "\(stderr)")
        // Hidden by /dev/null, the library is there but does not load, and the message says why.
        #expect(stderr.contains("iris-keras3.keras: reading a Keras file needs the HDF5 library, which could not be loaded ("), "\(stderr)")
        #expect(stderr.contains("file too short"), "\(stderr)")
        #expect(stderr.contains("install HDF5's library (Debian and Ubuntu: apt-get install libhdf5-dev, or only the library, libhdf5-103-1 or libhdf5-310)"), "\(stderr)")
    }

    @Test("--activations for a Keras model, which gives its own, is a usage error (64)")
    func activationsRefused() throws {
        let dir = try WorkDir()
        let result = try dir.nnpipe("run", "--model", Self.folder.appendingPathComponent("iris-keras3.keras").path, "--activations", "relu,relu,softmax",
                                    "--features", "f0,f1,f2,f3", "--carry", "id", "--output", "out.csv", Self.folder.appendingPathComponent("iris.csv").path)
        #expect(result.status == 64)
        #expect(result.stderr.contains("--activations: the model (keras) gives its own activations; remove activations"), "\(result.stderr)")
    }

    @Test("a weight declared past ulimit -v is refused before it is allocated (status 70)")
    func declaredSizeChecked() throws {
        let dir = try WorkDir()
        let model = Self.folder.appendingPathComponent("iris-keras3-huge.keras").path
        let out = try Shell.run("NNPIPE=\(shellQuoted(CLI.binary.path)); (ulimit -v 1000000; timeout -k 5 60 \"$NNPIPE\" inspect '\(model)' 2> err.txt); echo \"status $?\"", in: dir.url)
        let stderr = try dir.text("err.txt")
        #expect(String(decoding: out, as: UTF8.self).hasSuffix("status 70\n"), "\(stderr)")
        #expect(stderr.contains("iris-keras3-huge.keras: HDF5 dataset 'layers/dense/vars/0' needs 1500000000 bytes of memory, more than the address-space limit (ulimit -v 1000000 KiB) leaves"), "\(stderr)")
        #expect(!stderr.contains("Fatal error") && !stderr.contains("Backtrace"), "\(stderr)")
    }
}
