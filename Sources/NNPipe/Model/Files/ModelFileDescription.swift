/// A readable account of a model file, printed by `nnpipe inspect`: its format, its tensors
/// and the layers nnpipe builds from them.
package enum ModelFileDescription {
    /// The header and tensor lines, which need nothing but a readable file. With `layers` (the
    /// layers built from the file), tensors none of them uses are marked `unused`.
    package static func tensorLines(_ file: ModelFile, layers: [FileLayer]? = nil) -> [String] {
        var lines = ["\(file.name): \(formatName(file.format)), \(file.tensors.count) tensor\(file.tensors.count == 1 ? "" : "s")"]
        lines.append("tensors:")
        let used = layers.map { Set($0.flatMap(\.usedTensors)) }
        let nameWidth = file.tensors.map(\.name.count).max() ?? 0
        let typeWidth = file.tensors.map(\.dtype.count).max() ?? 0
        let shapeWidth = file.tensors.map(\.shapeText.count).max() ?? 0
        for tensor in file.tensors {
            var line = "  \(pad(tensor.name, nameWidth))  \(pad(tensor.dtype, typeWidth))  \(tensor.shapeText)"
            // ONNX knows what its graph reads; for npz and safetensors, the layers built say.
            let unusedByLayers = used.map { !$0.contains(tensor.name) && file.definedLayers == nil } ?? false
            if file.format == .onnx ? file.unusedTensors.contains(tensor.name) : unusedByLayers {
                line = pad(line, 6 + nameWidth + typeWidth + shapeWidth) + "  unused"
            }
            lines.append(line)
        }
        if file.outputs.count > 1 { lines.append("outputs: \(file.outputs.joined(separator: ", "))") }
        return lines
    }

    /// The layer lines: shapes, names, where the weights came from, the activation; then how
    /// their order was decided.
    package static func layerLines(_ found: ModelLayers) -> [String] {
        layerLines(found.layers) + ["order: \(found.order.description)"]
    }

    /// The steps a model applies to its inputs before the first layer (an ONNX graph's scaler).
    package static func stepLines(_ file: ModelFile) -> [String] {
        file.inputSteps.isEmpty ? [] : ["input steps (before the first layer):"] + file.inputSteps.map { "  \($0.description)" }
    }

    /// The layer lines: shapes, names, where the weights came from, the activation.
    package static func layerLines(_ layers: [FileLayer]) -> [String] {
        var lines = ["layers (inputs→units):"]
        let names = layers.map { $0.name ?? "-" }
        let shapes = layers.map { "\($0.inputs)→\($0.units)" }
        let nameWidth = names.map(\.count).max() ?? 0, shapeWidth = shapes.map(\.count).max() ?? 0
        for (index, layer) in layers.enumerated() {
            var source = "weights \(layer.weightsTensor ?? "-")"
            source += layer.transposed ? " (units × inputs, transposed)" : " (inputs × units)"
            source += layer.biasTensor.map { ", bias \($0)" } ?? ", no bias"
            source += layer.batchNorm.map { ", batch norm \($0) folded in (with \(layer.batchNormEpsilonSource))" } ?? ""
            source += layer.modules.map { ", \($0)" }.joined()
            let activation = layer.activation.map { "activation: \($0.name)" } ?? "activation: from the pipeline"
            lines.append("  \(index)  \(pad(names[index], nameWidth))  \(pad(shapes[index], shapeWidth))  \(activation); \(source)")
        }
        return lines
    }

    static func formatName(_ format: ModelFileFormat) -> String {
        switch format {
        case .json: "nnpipe JSON model"
        case .npz: "numpy .npz"
        case .npy: "numpy .npy"
        case .safetensors: "safetensors"
        case .onnx: "ONNX"
        case .keras: "Keras 3"
        }
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }
}
