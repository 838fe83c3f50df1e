import Foundation
import NNPipe

/// `nnpipe inspect --json`: a model file as one JSON object.
///
/// ```
/// {"file", "format", "tensors": [{"name", "dtype", "shape", "unused", "unusable"?}],
///  "outputs": [name], "input_steps": [text],
///  "layers": [{"index", "name"?, "inputs", "units", "activation", "weights", "transposed",
///              "bias", "batch_norm"}], "order": {"rule", "description", "names"?}}
/// ```
/// `layers` and `order` are null when no layers can be built (the problem is on standard error).
/// `activation` is null for npz and safetensors, whose activations come from the pipeline.
enum InspectReport {
    static func object(_ file: ModelFile, found: ModelLayers?) -> [String: Any] {
        // As the text report marks them: ONNX knows what its graph reads; for npz and
        // safetensors, the layers built say.
        let used = found.map { Set($0.layers.flatMap(\.usedTensors)) }
        let tensors: [[String: Any]] = file.tensors.map { tensor in
            let unusedByLayers = used.map { !$0.contains(tensor.name) && file.definedLayers == nil } ?? false
            var entry: [String: Any] = [
                "name": tensor.name, "dtype": tensor.dtype, "shape": tensor.shape,
                "unused": file.format == .onnx ? file.unusedTensors.contains(tensor.name) : unusedByLayers,
            ]
            if let why = tensor.unusable { entry["unusable"] = why }
            return entry
        }
        let layers: Any = found.map { found in
            found.layers.enumerated().map { index, layer -> [String: Any] in
                var entry: [String: Any] = [
                    "index": index, "inputs": layer.inputs, "units": layer.units,
                    "activation": layer.activation.map { $0.name as Any } ?? NSNull(),
                    "weights": layer.weightsTensor.map { $0 as Any } ?? NSNull(), "transposed": layer.transposed,
                    "bias": layer.biasTensor.map { $0 as Any } ?? NSNull(),
                    "batch_norm": layer.batchNorm.map { $0 as Any } ?? NSNull(),
                ]
                if let name = layer.name { entry["name"] = name }
                return entry
            }
        } ?? NSNull()
        return [
            "file": file.name, "format": file.format.rawValue, "tensors": tensors, "outputs": file.outputs,
            "input_steps": file.inputSteps.map(\.description), "layers": layers,
            "order": found.map { $0.order.reportFields as Any } ?? NSNull(),
        ]
    }
}
