/// Modules of a PyTorch `state_dict` whose `.weight` is a vector, not a matrix: `nn.PReLU`'s
/// learned slope (shape (1,), or one per unit, and no bias) and `nn.LayerNorm`'s gain (with a
/// bias of the same shape). Neither is a dense layer, and reading one as a layer's weights would
/// fail on its shape with a message that does not say why; they are refused by what they are.
///
/// A PReLU with one slope computes `x` for x ≥ 0 and `slope · x` below: nnpipe's
/// `leaky_relu(slope)`, exactly, so the refusal gives the pipeline that runs it (the slope as the
/// activation of the layer before, the layers listed in `tensors:`). A slope per unit and a layer
/// normalization (per-row mean and variance) have no nnpipe equivalent, and are refused as such.
enum PerUnitModules {
    /// The refusal for the first such module among `prefixes` (in the file's order), or nil
    /// when there is none.
    static func refusal(prefixes: [String], byName: [String: Tensor]) throws(ModelError) -> ModelError? {
        let modules = prefixes.filter { byName[$0 + ".weight"]?.shape.count == 1 }
        guard let module = modules.first, let weight = byName[module + ".weight"] else { return nil }
        if let bias = byName[module + ".bias"] {
            return ModelError("'\(weight.name)' and '\(bias.name)' (shapes \(weight.shapeText) and \(bias.shapeText)) are not a layer's weights: module '\(module)' keeps a gain and a bias per unit and no running statistics, as nn.LayerNorm does; nnpipe has no layer normalization (a mean and variance over each row), so it cannot run this model")
        }
        guard weight.shape == [1], weight.values.count == 1, weight.values[0].isFinite else {
            return ModelError("'\(weight.name)' (shape \(weight.shapeText), no bias) is not a layer's weights: module '\(module)' is nn.PReLU with one learned slope per unit; nnpipe's leaky_relu has one slope for all units, so it cannot run this model (a PReLU with one slope, nn.PReLU(), runs as leaky_relu(SLOPE))")
        }
        let slope = weight.values[0]
        // The layers, each a prefix with a 2-D weight, in the order their names give.
        let layerPrefixes = prefixes.filter { !modules.contains($0) }
        var layers: [FileLayer] = []
        for prefix in layerPrefixes {
            guard let weights = byName[prefix + ".weight"] else { continue }
            layers.append(try FileLayer.from(weights: weights, bias: byName[prefix + ".bias"], transpose: true, name: prefix))
        }
        var text = "'\(weight.name)' (shape (1,), no bias) is not a layer's weights: module '\(module)' is nn.PReLU with one learned slope, \(slope), which computes leaky_relu(\(slope)) exactly"
        let all = layers.map { $0.name ?? "?" } + [module]
        guard modules.count == 1, let order = LayerNumbering.order(all),
              let position = order.firstIndex(of: all.count - 1), position > 0 else {
            return ModelError(text + "; list the layers in the forward stage's tensors: and give leaky_relu(\(slope)) as the activation of the layer before '\(module)' in activations:")
        }
        let ordered = order.filter { $0 < layers.count }.map { layers[$0] }
        let before = layers[order[position - 1]]
        let index = ordered.firstIndex { $0.name == before.name } ?? 0
        let entries = TensorsBlock.yaml(ordered).dropFirst().map { $0.replacingOccurrences(of: "  - ", with: "") }
        text += "; in the forward stage, give leaky_relu(\(slope)) as the activation of layer '\(before.name ?? "?")' (number \(index + 1) of \(ordered.count) in activations:, one per layer) and list the layers: tensors: [\(entries.joined(separator: ", "))]"
        return ModelError(text)
    }
}
