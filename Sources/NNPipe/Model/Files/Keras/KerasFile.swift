/// Keras 3's own files, recognised so the refusal can say what works instead: a `.keras`
/// model (`model.save`: a ZIP of `metadata.json`, `config.json` and `model.weights.h5`) and a
/// `.weights.h5` (`model.save_weights`: HDF5). nnpipe has no HDF5 reader; the refusal prints a
/// command that writes the Dense layers' kernels and biases as an npz nnpipe reads (`W0`, `b0`,
/// …, inputs × units, a zero bias for `use_bias=False`) and the `activations:` line in nnpipe's
/// names (Keras' `leaky_relu` has slope 0.2, its `softplus` is `softplus_exact`), refusing in
/// Python a model with any layer other than Dense and Dropout.
enum KerasFile {
    /// Whether a ZIP member name is one `model.save` writes.
    static func isKerasMember(_ name: String) -> Bool {
        name == "config.json" || name == "model.weights.h5"
    }

    /// Whether the bytes open with HDF5's signature (`\x89HDF\r\n\x1a\n`).
    static func isHDF5(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.count >= 8 && Array(bytes.prefix(8)) == [0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A]
    }

    /// The command that writes a `.keras` model's Dense layers as `model.npz` and prints its activations.
    static let recipe = #"python3 -c 'import keras, numpy as np; m = keras.saving.load_model("MODEL.keras"); assert all(type(l) in (keras.layers.Dense, keras.layers.Dropout) for l in m.layers), "layers other than Dense and Dropout: export to ONNX instead"; d = [l for l in m.layers if type(l) is keras.layers.Dense]; np.savez("model.npz", **{k: v for i, l in enumerate(d) for k, v in ((f"W{i}", keras.ops.convert_to_numpy(l.kernel)), (f"b{i}", keras.ops.convert_to_numpy(l.bias) if l.use_bias else np.zeros(l.units)))}); n = {"linear": "identity", "leaky_relu": "leaky_relu(0.2)", "softplus": "softplus_exact", "swish": "silu", "hard_silu": "hardswish", "hard_sigmoid": "hardsigmoid", "exponential": "exp", "log_sigmoid": "logsigmoid"}; print("activations: [" + ", ".join(n.get(l.activation.__name__, l.activation.__name__) for l in d) + "]")'"#

    /// The refusal of a `.keras` model (`hdf5`: of a `.weights.h5` file), with the command that works.
    static func problem(_ what: String, hdf5: Bool = false) -> ModelError {
        let kind = hdf5 ? "an HDF5 file (Keras' model.save_weights, .weights.h5)" : "a Keras model (model.save, .keras)"
        let first = hdf5 ? "load the weights into the model in Keras and save it with model.save(\"MODEL.keras\"), then write" : "write"
        return ModelError("\(what) is \(kind), which nnpipe does not read; \(first) its Dense layers as model.npz, which nnpipe reads, with "
            + recipe + " (it prints the activations: line for the forward stage), or export the model to ONNX (tf2onnx)")
    }
}
