/// Modules of a PyTorch `state_dict` whose `.weight` is a vector, not a matrix: `nn.LayerNorm`
/// (a gain and a bias per unit) and `nn.PReLU` (learned slopes, one or one per unit, no bias).
/// Each is attached to the dense layer it follows: the layer norm between the layer's bias and
/// its activation (``LayerNorm``), the PReLU's slopes as the slopes a bare `prelu` in the
/// pipeline's `activations:` stands for.
///
/// As for batch norms (``BatchNormPairing``), the pairing is taken only when the names leave no
/// doubt: the modules and layers share one numbering (``LayerNumbering``), and each module's last
/// number is one more than that of the layer or module before it (`net.0` Linear, `net.1`
/// LayerNorm, `net.2` PReLU, as `nn.Sequential` numbers them), so no module without tensors (a
/// ReLU, a Dropout) can sit between. A layer norm after the activation (`net.0` Linear, `net.1`
/// ReLU, `net.2` LayerNorm) does not pair and is refused. A `state_dict` does not record the
/// layer norm's `eps`; the forward stage gives it (`layer_norm_eps`) or the file is refused with
/// the line to add.
enum PerUnitModules {
    /// The prefixes among `prefixes` whose `.weight` is 1-D: layer norms and PReLUs.
    static func modules(_ prefixes: [String], byName: [String: Tensor]) -> [String] {
        prefixes.filter { byName[$0 + ".weight"]?.shape.count == 1 }
    }

    /// `layers` (named by their prefixes) in order, each with the modules after it attached.
    static func attach(_ layers: [FileLayer], modules: [String], byName: [String: Tensor],
                       layerNormEpsilon: Double?) throws(ModelError) -> ModelLayers {
        let all = layers.map { $0.name ?? "?" } + modules
        guard let order = LayerNumbering.order(all) else {
            throw unpaired(modules, layers: layers, byName: byName, "the names (\(all.joined(separator: ", "))) do not differ only in their numbers")
        }
        var result: [FileLayer] = []
        // The numbers of the layer or module last placed, and whether a PReLU ended its layer.
        var previous: [Int]?
        var closed = false
        for index in order {
            let numbers = LayerNumbering.key(all[index])?.numbers ?? []
            if index < layers.count {
                result.append(layers[index])
                (previous, closed) = (numbers, false)
                continue
            }
            let module = all[index]
            guard let before = previous, !result.isEmpty, BatchNormPairing.follows(numbers, before) else {
                throw unpaired(modules, layers: layers, byName: byName, "module '\(module)' does not come right after a layer or the module after one (its last number one more)")
            }
            let last = result.count - 1
            guard let weight = byName[module + ".weight"] else { continue }
            if let bias = byName[module + ".bias"] {
                guard !closed, result[last].dense.layerNorm == nil else {
                    throw unpaired(modules, layers: layers, byName: byName, "layer norm '\(module)' comes after an activation; nnpipe runs a layer norm between a layer and its activation")
                }
                guard let epsilon = layerNormEpsilon else { throw epsilonMissing(module) }
                try attachLayerNorm(module, gain: weight, bias: bias, epsilon: epsilon, to: &result[last])
            } else {
                guard !closed else { throw unpaired(modules, layers: layers, byName: byName, "PReLU '\(module)' comes after another") }
                try attachSlopes(module, weight, to: &result[last])
                closed = true
            }
            previous = numbers
        }
        return ModelLayers(layers: result, order: result.count == 1 ? .single : .numbered(result.map { $0.name ?? "?" }))
    }

    static func attachLayerNorm(_ module: String, gain: Tensor, bias: Tensor, epsilon: Double,
                                        to layer: inout FileLayer) throws(ModelError) {
        for tensor in [gain, bias] {
            try tensor.checkUsable()
            try FileLayer.checkFinite(tensor)
            guard tensor.shape == [layer.units] else {
                throw ModelError("layer norm tensor '\(tensor.name)' has shape \(tensor.shapeText) but layer '\(layer.name ?? "?")' before it gives \(layer.units) units")
            }
        }
        layer.dense.layerNorm = LayerNorm(epsilon: epsilon, gain: gain.values, bias: bias.values, source: module)
        layer.modules.append("layer norm \(module) (with the forward stage's layer_norm_eps)")
        layer.moduleTensors += [gain.name, bias.name]
    }

    static func attachSlopes(_ module: String, _ weight: Tensor, to layer: inout FileLayer) throws(ModelError) {
        try weight.checkUsable()
        try FileLayer.checkFinite(weight)
        guard weight.shape == [1] || weight.shape == [layer.units] else {
            throw ModelError("PReLU tensor '\(weight.name)' has shape \(weight.shapeText) but layer '\(layer.name ?? "?")' before it gives \(layer.units) units; nn.PReLU keeps one slope or one per unit")
        }
        layer.fileSlopes = weight.values
        layer.modules.append("PReLU \(module) (\(weight.values.count == 1 ? "one slope" : "a slope per unit"), for prelu in activations:)")
        layer.moduleTensors.append(weight.name)
    }

    /// The refusal for a layer norm whose eps the forward stage does not give.
    static func epsilonMissing(_ module: String) -> ModelError {
        ModelError("layer norm '\(module)' normalizes with its eps, which a state_dict does not record; give the eps the model was built with (LayerNorm(eps=...); PyTorch's default is 1e-5) in the forward stage: layer_norm_eps: 1e-5 (on the command line: --set forward.layer_norm_eps=1e-5)")
    }

    /// The refusal when the names do not tell where the modules run: the layers found and a
    /// `tensors:` block to complete with `layer_norm:` and `prelu:` (or the ONNX export).
    private static func unpaired(_ modules: [String], layers: [FileLayer], byName: [String: Tensor], _ why: String) -> ModelError {
        var lines = ["the file holds layer norms or PReLUs (\(modules.joined(separator: ", "))) and \(why), so nnpipe cannot tell where each runs. List the layers in the forward stage's tensors:, in the order of the model's forward(), with layer_norm: PREFIX on the layer a LayerNorm follows (before its activation) and prelu: PREFIX on the layer a PReLU follows (and prelu as its activation), or export the model to ONNX, where the graph gives the order: torch.onnx.export(model.eval(), torch.zeros(1, n_features), \"model.onnx\"). Layers found (weights stored units × inputs):"]
        lines += TensorsBlock.listing(layers, tensors: byName)
        lines.append("In the file's order, which need not be the model's: check it against forward() before use:")
        lines += TensorsBlock.yaml(layers)
        return ModelError(lines.joined(separator: "\n"))
    }
}
