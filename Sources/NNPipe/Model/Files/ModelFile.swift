import Foundation

/// A model file of any format nnpipe reads, told apart by its first bytes (never its name):
///
/// | format | first bytes |
/// |---|---|
/// | npz (`np.savez`, `np.savez_compressed`) | `PK\x03\x04` (ZIP) |
/// | Keras 3 `.keras` (`model.save`) | `PK\x03\x04` (ZIP) with `config.json` and `model.weights.h5` |
/// | Keras 3 `.weights.h5` (`model.save_weights`, with `config.json` beside it) | `\x89HDF\r\n\x1a\n` |
/// | npy (`np.save`, one array) | `\x93NUMPY` |
/// | safetensors | 8-byte little-endian header length, then `{` |
/// | JSON (nnpipe's own) | `{` after white space |
/// | ONNX | protobuf `ModelProto` with a graph (usually `0x08`, its `ir_version`) |
///
/// Each format has one reader, and every reader gives the same list of ``Tensor``s (``NpzFile``,
/// ``NpyArray``, ``SafetensorsFile``, ``OnnxConstants``, ``JSONModelFile``). npz and safetensors
/// files hold named tensors and no activations: their layers come from the tensor names, in an
/// order the names or shapes settle (``TensorLayers``, ``LayerOrder``), or from an explicit
/// ``TensorMapping``, and the pipeline gives the activations. ONNX, Keras and JSON files give their
/// layers and activations themselves. The layers become a network in one place,
/// ``loadNetwork(path:activations:mapping:output:)``. Every problem is a ``ModelError`` naming
/// the file (exit status 78).
package struct ModelFile: Sendable {
    /// The file as the user named it.
    package let name: String
    package let format: ModelFileFormat
    /// The file's tensors, in file order (for JSON, each layer's weights and bias).
    package let tensors: [Tensor]
    /// The layers the file defines with their activations (ONNX, JSON); nil for tensor files.
    package let definedLayers: [FileLayer]?
    /// Steps the model applies to its inputs before its first layer (an ONNX graph's scaler).
    package var inputSteps: [InputStep] = []
    /// Tensors the network does not read (listed by `inspect`, never checked for type).
    package var unusedTensors: Set<String> = []
    /// The graph outputs an ONNX file offers (`output:` chooses one).
    package var outputs: [String] = []
    /// Why the file's own layers cannot be built, kept so that its tensors can still be listed.
    var layerProblem: String?
    /// Files beside the model that hold its weights (ONNX external data): read, so never written.
    package var dataFiles: [String] = []

    /// Whether the file gives its own activations (ONNX, JSON).
    package var givesActivations: Bool { definedLayers != nil }

    /// Reads and checks the model file at `path`; `output` names the ONNX graph output to run.
    package static func load(path: String, displayName: String? = nil, output: String? = nil) throws(ModelError) -> ModelFile {
        let name = displayName ?? path
        let data = try FileContents.read(path, name: name, what: "model file")
        let directory = (path as NSString).deletingLastPathComponent
        // Decoded in place: a copy of the file's bytes would hold the model's size a second time.
        let result = data.withUnsafeBytes { raw in
            Result { () throws(ModelError) in try decode(raw, name: name, directory: directory.isEmpty ? "." : directory, output: output) }
        }
        return try result.get()
    }

    /// Decodes a model file's bytes; `directory` is the model's folder (for ONNX external data)
    /// and `output` the ONNX graph output to run.
    package static func decode(_ bytes: UnsafeRawBufferPointer, name: String, directory: String? = nil,
                              output: String? = nil) throws(ModelError) -> ModelFile {
        guard !bytes.isEmpty else { throw ModelError(file: name, problem: "the model file is empty") }
        do {
            switch detect(bytes) {
            case .npz, .keras:  // a ZIP: npz, or Keras when it holds config.json and model.weights.h5
                let archive = try ZipArchive(bytes)
                if archive.members.contains(where: { KerasFile.isKerasMember($0.name) }) { return try KerasFile.model(archive, name: name) }
                return ModelFile(name: name, format: .npz, tensors: try NpzFile.tensors(archive), definedLayers: nil)
            case .npy:
                let stem = ((name as NSString).lastPathComponent as NSString).deletingPathExtension
                return ModelFile(name: name, format: .npy, tensors: [try NpyArray.decode(bytes, name: stem)], definedLayers: nil)
            case .safetensors:
                return ModelFile(name: name, format: .safetensors, tensors: try SafetensorsFile.tensors(bytes), definedLayers: nil)
            case .json:
                let json = try JSONModelFile.read(Array(bytes), name: name)
                return ModelFile(name: name, format: .json, tensors: json.tensors, definedLayers: json.layers)
            case .onnx:
                return try onnx(OnnxModel.parse(bytes), bytes: bytes, name: name, directory: directory, output: output)
            case nil:
                if TorchPickle.isBarePickle(bytes) { throw TorchPickle.problem("the file") }
                if KerasFile.isHDF5(bytes) { return try KerasFile.weightsFile(bytes, name: name, directory: directory) }
                // No signature: ONNX if it reads as a ModelProto with a graph of nodes.
                if let model = try? OnnxModel.parse(bytes), !model.nodes.isEmpty {
                    return try onnx(model, bytes: bytes, name: name, directory: directory, output: output)
                }
                let start = bytes.prefix(8).map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }
                throw ModelError("not a model file nnpipe reads (it starts with bytes \(start.joined(separator: " "))); expected .npz (ZIP), .npy, safetensors, ONNX or nnpipe's JSON")
            }
        } catch let error as ModelError {
            throw error.located(in: name)
        } catch {
            throw ModelError(file: name, problem: "\(error)")
        }
    }

    /// An ONNX model: its initializers listed, and the layers that compute the chosen output
    /// (or the problem that stops them, raised when the layers are asked for).
    private static func onnx(_ model: OnnxModel, bytes: UnsafeRawBufferPointer, name: String, directory: String?,
                             output: String?) throws(ModelError) -> ModelFile {
        var constants = OnnxConstants(model, bytes: bytes, external: OnnxExternalData(directory: directory))
        var built: OnnxGraphLayers.Result?
        var problem: String?
        do {
            built = try OnnxGraphLayers.build(model, constants: &constants, output: output)
        } catch {
            problem = error.problem
        }
        let tensors = model.initializers.map { record in
            constants.decoded(record.name) ?? Tensor(name: record.name, shape: record.listedShape, dtype: record.typeName, values: [])
        }
        var file = ModelFile(name: name, format: .onnx, tensors: tensors, definedLayers: built?.layers ?? [])
        file.inputSteps = built?.steps ?? []
        file.unusedTensors = built.map { used in Set(model.initializers.map(\.name)).subtracting(used.used) } ?? []
        file.outputs = model.outputs
        file.layerProblem = problem
        file.dataFiles = constants.external.files
        return file
    }

    /// The format the first bytes announce, or nil when none does.
    package static func detect(_ bytes: UnsafeRawBufferPointer) -> ModelFileFormat? {
        if bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) || bytes.starts(with: [0x50, 0x4B, 0x05, 0x06]) { return .npz }
        if bytes.starts(with: NpyArray.magic) { return .npy }
        // A header length below 2^40 has zero top bytes, which no JSON text has.
        if bytes.count >= 9, bytes[8] == UInt8(ascii: "{"), bytes[5] == 0, bytes[6] == 0, bytes[7] == 0 { return .safetensors }
        if let first = bytes.first(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }), first == UInt8(ascii: "{") { return .json }
        // ModelProto field 1 (ir_version, a varint) comes first in every exporter's output.
        if bytes.first == 0x08 { return .onnx }
        return nil
    }
}
