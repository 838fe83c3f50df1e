import Foundation

/// Keras 3's own files: a `.keras` model (`model.save`: a ZIP of `metadata.json`, `config.json`
/// and `model.weights.h5`), and a `.weights.h5` file (`model.save_weights`: HDF5, weights only)
/// read with the `config.json` beside it (`model.to_json()`), which gives the architecture.
///
/// The architecture comes from the config (``KerasConfig``), the weights from HDF5 datasets
/// (``HDF5File``, through libhdf5 loaded at run time), and the two become input steps and dense
/// layers with Keras' activations (``KerasLayers``). The tensors listed are the HDF5 datasets
/// read (`layers/dense/vars/0`, …).
enum KerasFile {
    /// Whether a ZIP member name is one `model.save` writes.
    static func isKerasMember(_ name: String) -> Bool {
        name == "config.json" || name == "model.weights.h5"
    }

    /// Whether the bytes open with HDF5's signature (`\x89HDF\r\n\x1a\n`).
    static func isHDF5(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.count >= 8 && Array(bytes.prefix(8)) == [0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A]
    }

    /// The file that gives a `.weights.h5` file's architecture: `config.json` in its folder.
    static let configName = "config.json"

    /// A `.keras` model read from its ZIP archive.
    static func model(_ archive: ZipArchive, name: String) throws(ModelError) -> ModelFile {
        guard let config = archive.members.first(where: { $0.name == "config.json" }) else {
            throw ModelError("the file is a ZIP with model.weights.h5 but no config.json: not a whole Keras model (save it with model.save(\"model.keras\"))")
        }
        guard let weights = archive.members.first(where: { $0.name == "model.weights.h5" }) else {
            throw ModelError("the Keras model (.keras) has no model.weights.h5: was it saved by Keras 3's model.save?")
        }
        let h5 = try archive.contents(of: weights)
        let root = try FileContents.json(archive.contents(of: config), name: "config.json")
        let file = h5.withUnsafeBytes { raw in
            Result { () throws(ModelError) in try build(root, weights: raw, what: "model.weights.h5", name: name) }
        }
        return try file.get()
    }

    /// A `.weights.h5` file: read with the `config.json` in `directory`, or refused with what to give.
    static func weightsFile(_ bytes: UnsafeRawBufferPointer, name: String, directory: String?) throws(ModelError) -> ModelFile {
        let path = ((directory ?? ".") as NSString).appendingPathComponent(configName)
        guard directory != nil, FileManager.default.fileExists(atPath: path) else {
            throw ModelError("the file is HDF5: Keras weights (model.save_weights, .weights.h5) without the model's architecture, which nnpipe reads from config.json in the same folder; save the whole model instead with model.save(\"model.keras\") and give that file, or write the architecture beside the weights with open(\"config.json\", \"w\").write(model.to_json())")
        }
        var file = try build(FileContents.json(path, name: path, what: "Keras model config"), weights: bytes,
                             what: (name as NSString).lastPathComponent, name: name)
        file.dataFiles = [path]
        return file
    }

    private static func build(_ root: JSONValue, weights: UnsafeRawBufferPointer, what: String, name: String) throws(ModelError) -> ModelFile {
        let model = try KerasConfig(root)
        let built = try KerasLayers.build(model, weights: HDF5File(weights, what: what))
        var file = ModelFile(name: name, format: .keras, tensors: built.tensors, definedLayers: built.layers)
        file.inputSteps = built.steps
        return file
    }
}
