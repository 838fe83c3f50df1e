/// One layer named in a forward stage's `tensors:` list: which tensors hold its weights and
/// bias, whether the weights are stored units × inputs, and the batch norm after it, if any.
package struct TensorMapping: Sendable {
    package var weights: String
    package var bias: String?
    package var transpose: Bool
    /// The prefix of a `BatchNorm1d` right after the layer (`bn1`), folded into it.
    package var batchNorm: String?
    /// That batch norm's `eps` (the forward stage's `batch_norm_eps` when nil).
    package var epsilon: Double?
    /// The prefix of an `nn.LayerNorm` after the layer (`ln1`; its eps is the forward stage's
    /// `layer_norm_eps`), run between the layer's bias and its activation.
    package var layerNorm: String?
    /// The prefix of an `nn.PReLU` after the layer (`act1`), whose slopes `prelu` in `activations:` takes.
    package var prelu: String?

    package init(weights: String, bias: String?, transpose: Bool, batchNorm: String? = nil, epsilon: Double? = nil,
                layerNorm: String? = nil, prelu: String? = nil) {
        self.weights = weights
        self.bias = bias
        self.transpose = transpose
        self.batchNorm = batchNorm
        self.epsilon = epsilon
        self.layerNorm = layerNorm
        self.prelu = prelu
    }
}

/// Finds the dense layers among a file's named tensors (npz, safetensors), which carry no
/// activations, and puts them in order without guessing.
///
/// Layers, when every tensor follows one convention:
/// - numpy: `W0`, `b0`, `W1`, `b1`, … (also `w0`, `weights_0`, `weight0`, `bias_0`, `biases0`),
///   stored inputs × units;
/// - PyTorch `state_dict`: `PREFIX.weight` and `PREFIX.bias` (`0.weight`, `net.2.weight`,
///   `fc1.weight`), stored units × inputs (`nn.Linear`) and transposed on load.
/// A missing bias is zero. Otherwise the pipeline lists the layers (``TensorMapping``).
/// Tensors that cannot be weights (integer, boolean, string: scikit-learn's `classes_`) are
/// ignored unless their names make them weights; a `BatchNorm1d`'s tensors
/// (`PREFIX.running_mean`, …) are folded into the layer before it when the names pair them
/// (``BatchNormPairing``).
///
/// Order (``LayerOrder``): numpy names by their number; PyTorch prefixes by their numbers when
/// they differ only in them (``LayerNumbering``: `fc1`, `fc2`; `net.0`, `net.2`), else by shape
/// when exactly one order chains (``ShapeChain``: `encoder` 4→8, `decoder` 8→3). Names such as
/// `input_layer`, `hidden`, `output` over square layers give neither, and are refused with a
/// `tensors:` block to paste: sorting them by name would run them in the wrong order silently.
enum TensorLayers {
    static func layers(_ tensors: [Tensor], mapping: [TensorMapping]?, batchNormEpsilon: Double? = nil,
                       layerNormEpsilon: Double? = nil) throws(ModelError) -> ModelLayers {
        var byName: [String: Tensor] = [:]
        for tensor in tensors { byName[tensor.name] = tensor }
        if let mapping {
            return ModelLayers(layers: try mapped(mapping, byName: byName, tensors: tensors, batchNormEpsilon: batchNormEpsilon,
                                                  layerNormEpsilon: layerNormEpsilon), order: .listed)
        }
        if let layers = try numpyStyle(tensors, byName: byName) { return layers }
        if let layers = try pytorchStyle(tensors, byName: byName, batchNormEpsilon: batchNormEpsilon,
                                         layerNormEpsilon: layerNormEpsilon) { return layers }
        let names = tensors.map { "'\($0.name)' \($0.dtype) \($0.shapeText)" }.joined(separator: ", ")
        var text = "cannot tell the layers from the tensor names (\(names)); name them W0, b0, W1, … (inputs × units) or fc1.weight, fc1.bias, … (units × inputs), or list them in the forward stage's tensors: [{weights: NAME, bias: NAME, transpose: BOOL}, …]"
        if let route = normalizationRoute(tensors) { text += "; " + route }
        throw ModelError(text)
    }

    private static func mapped(_ mapping: [TensorMapping], byName: [String: Tensor], tensors: [Tensor],
                               batchNormEpsilon: Double?, layerNormEpsilon: Double?) throws(ModelError) -> [FileLayer] {
        func tensor(_ name: String) throws(ModelError) -> Tensor {
            guard let tensor = byName[name] else {
                let names = tensors.map(\.name).joined(separator: ", ")
                throw ModelError("no tensor named '\(name)' in the file; it holds: \(names)")
            }
            return tensor
        }
        var layers: [FileLayer] = []
        for entry in mapping {
            let weights = try tensor(entry.weights)
            let bias: Tensor?
            if let name = entry.bias { bias = try tensor(name) } else { bias = nil }
            var layer = try FileLayer.from(weights: weights, bias: bias, transpose: entry.transpose, name: entry.weights)
            if let prefix = entry.batchNorm {
                guard let epsilon = entry.epsilon ?? batchNormEpsilon else { throw BatchNormFold.epsilonMissing([prefix], onEntry: true) }
                layer = try BatchNormFold.read(prefix: prefix, byName: byName).folded(into: layer, epsilon: epsilon)
            }
            if let prefix = entry.layerNorm {
                let gain = try tensor(prefix + ".weight"), bias = try tensor(prefix + ".bias")
                guard let epsilon = layerNormEpsilon else { throw PerUnitModules.epsilonMissing(prefix) }
                try PerUnitModules.attachLayerNorm(prefix, gain: gain, bias: bias, epsilon: epsilon, to: &layer)
            }
            if let prefix = entry.prelu { try PerUnitModules.attachSlopes(prefix, try tensor(prefix + ".weight"), to: &layer) }
            layers.append(layer)
        }
        return layers
    }

    /// `W0`/`b0`-style names, or nil when some tensor does not follow them.
    private static func numpyStyle(_ tensors: [Tensor], byName: [String: Tensor]) throws(ModelError) -> ModelLayers? {
        var weights: [Int: Tensor] = [:], biases: [Int: Tensor] = [:]
        for tensor in tensors {
            guard let (role, index) = numpyName(tensor.name) else {
                // Not weights by name or by type (an integer classes_): not part of the network.
                if !tensor.isUsable { continue }
                return nil
            }
            if role == "weights" {
                if let other = weights[index] { throw ModelError("tensors '\(other.name)' and '\(tensor.name)' are both weights of layer \(index)") }
                weights[index] = tensor
            } else {
                if let other = biases[index] { throw ModelError("tensors '\(other.name)' and '\(tensor.name)' are both biases of layer \(index)") }
                biases[index] = tensor
            }
        }
        for (index, bias) in biases where weights[index] == nil {
            throw ModelError("bias '\(bias.name)' has no weights of layer \(index)")
        }
        var layers: [FileLayer] = []
        for (index, tensor) in weights.sorted(by: { $0.key < $1.key }) {
            layers.append(try FileLayer.from(weights: tensor, bias: biases[index], transpose: false, name: tensor.name))
        }
        if layers.isEmpty { return nil }
        return ModelLayers(layers: layers, order: layers.count == 1 ? .single : .numbered(layers.map { $0.name ?? "?" }))
    }

    /// ("weights" or "bias", N) for `W3`, `w3`, `weights_3`, `weight3`, `b3`, `bias_3`, `biases3`.
    static func numpyName(_ name: String) -> (String, Int)? {
        let digits = name.reversed().prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, digits.count < 10, let index = Int(String(digits.reversed())) else { return nil }
        var prefix = name.dropLast(digits.count)
        if prefix.hasSuffix("_") { prefix = prefix.dropLast() }
        switch prefix.lowercased() {
        case "w", "weight", "weights": return ("weights", index)
        case "b", "bias", "biases": return ("bias", index)
        default: return nil
        }
    }

    /// `PREFIX.weight`/`PREFIX.bias` names, or nil when some tensor does not follow them.
    private static func pytorchStyle(_ tensors: [Tensor], byName: [String: Tensor], batchNormEpsilon: Double?,
                                     layerNormEpsilon: Double?) throws(ModelError) -> ModelLayers? {
        var prefixes: [String] = [], norms: [String] = []
        for tensor in tensors {
            if let suffix = BatchNormFold.statisticSuffixes.first(where: { tensor.name.hasSuffix($0) }) {
                let prefix = String(tensor.name.dropLast(suffix.count))
                if !norms.contains(prefix) { norms.append(prefix) }
            } else if tensor.name.hasSuffix(".weight") {
                prefixes.append(String(tensor.name.dropLast(7)))
            } else if !tensor.name.hasSuffix(".bias") {
                if !tensor.isUsable { continue }
                return nil
            }
        }
        prefixes.removeAll { norms.contains($0) }
        let modules = PerUnitModules.modules(prefixes, byName: byName)
        prefixes.removeAll { modules.contains($0) }
        for tensor in tensors where tensor.name.hasSuffix(".bias") && byName[String(tensor.name.dropLast(5)) + ".weight"] == nil {
            throw ModelError("bias '\(tensor.name)' has no matching '\(tensor.name.dropLast(5)).weight'")
        }
        // In the file's order, for the listing if the order cannot be told.
        var layers: [FileLayer] = []
        for prefix in prefixes {
            guard let weights = byName[prefix + ".weight"] else { continue }
            layers.append(try FileLayer.from(weights: weights, bias: byName[prefix + ".bias"], transpose: true, name: prefix))
        }
        if layers.isEmpty { return nil }
        if !modules.isEmpty {
            guard norms.isEmpty else {
                throw ModelError("the file holds batch norms (\(norms.joined(separator: ", "))) and layer norms or PReLUs (\(modules.joined(separator: ", "))); nnpipe reads either from a state_dict, not both: export the model to ONNX, torch.onnx.export(model.eval(), torch.zeros(1, n_features), \"model.onnx\")")
            }
            return try PerUnitModules.attach(layers, modules: modules, byName: byName, layerNormEpsilon: layerNormEpsilon)
        }
        if !norms.isEmpty { return try BatchNormPairing.fold(layers, norms: norms, byName: byName, epsilon: batchNormEpsilon) }
        if layers.count == 1 { return ModelLayers(layers: layers, order: .single) }
        if let order = LayerNumbering.order(prefixes) {
            let ordered = order.map { layers[$0] }
            return ModelLayers(layers: ordered, order: .numbered(ordered.map { $0.name ?? "?" }))
        }
        let why: String
        switch ShapeChain.chains(layers.map { ($0.inputs, $0.units) }) {
        case .unique(let order): return ModelLayers(layers: order.map { layers[$0] }, order: .shapes)
        case .ambiguous: why = "their shapes chain in more than one order"
        case .none: why = "no order of their shapes chains"
        case .tooMany: why = "\(layers.count) layers are too many to order by shape (at most \(ShapeChain.maxLayers))"
        }
        throw unordered(layers, why: why, byName: byName)
    }

    /// For a file with a module's normalization buffers (`PREFIX.mean` and `PREFIX.std`, as a
    /// `register_buffer` of an input normalization writes them), the route that keeps them: a
    /// scale stage at the module's place, since listing only the layers in `tensors:` would
    /// drop the normalization. nil when there are none.
    static func normalizationRoute(_ tensors: [Tensor]) -> String? {
        let names = Set(tensors.map(\.name))
        guard let mean = tensors.first(where: { tensor in
            tensor.shape.count == 1 && (tensor.name == "mean" || tensor.name.hasSuffix(".mean"))
                && names.contains(String(tensor.name.dropLast(4)) + "std")
        })?.name else { return nil }
        let std = String(mean.dropLast(4)) + "std"
        return "the tensors '\(mean)' and '\(std)' are not a layer's, and listing only the layers drops them: if the model computes (x - \(mean)) / \(std) before its first layer, run that as a scale stage before the forward stage, - scale: {file: norm.json}, with norm.json written by: "
            + #"python3 -c 'import json; from safetensors.torch import load_file; t = load_file("MODEL.safetensors"); json.dump({"mean": t["\#(mean)"].tolist(), "scale": t["\#(std)"].tolist()}, open("norm.json", "w"))'"#
            + " (after an activation: split the forward stage there, with the scale stage between the two), and list the layers in tensors:"
    }

    /// The refusal when neither the names nor the shapes give the order: the layers found and a
    /// `tensors:` block to paste, in the file's order.
    private static func unordered(_ layers: [FileLayer], why: String, byName: [String: Tensor]) -> ModelError {
        let names = layers.map { $0.name ?? "?" }.joined(separator: ", ")
        var lines = ["the layer names (\(names)) give no order (they differ in more than their numbers) and \(why); list the layers in the forward stage's tensors:, in the order of the model's forward(). Layers found (weights stored units × inputs):"]
        lines += TensorsBlock.listing(layers, tensors: byName)
        lines.append("In the file's order, which need not be the model's: check it against forward() before use:")
        lines += TensorsBlock.yaml(layers)
        return ModelError(lines.joined(separator: "\n"))
    }
}
