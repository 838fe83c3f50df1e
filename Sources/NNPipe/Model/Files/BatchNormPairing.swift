/// Pairs each `BatchNorm1d` of a `state_dict` with the `nn.Linear` just before it, from the
/// names alone, and folds it in (``BatchNormFold``).
///
/// The pairing is taken only when it cannot be wrong: the layer and batch norm prefixes share
/// one numbering (``LayerNumbering``), and each batch norm's last number is one more than its
/// layer's, the rest equal (`net.0` then `net.1`, as `nn.Sequential` numbers its modules), so
/// no module (an activation, which has no tensors) can sit between them. `fc1` and `bn1`,
/// or `net.0` then `net.2` (a ReLU at `net.1`?), are refused with both routes: a `tensors:`
/// block that names the batch norm, for one right after a layer, and, for one after an
/// activation (which no fold into a layer computes), the pipeline that runs it as a scale stage
/// between two forward stages (``afterActivationRoute``).
enum BatchNormPairing {
    /// `layers` (named by their prefixes) in order with `norms` folded in, with `epsilon` (the
    /// forward stage's `batch_norm_eps`; refused when nil, since the file does not record it).
    static func fold(_ layers: [FileLayer], norms: [String], byName: [String: Tensor], epsilon: Double?) throws(ModelError) -> ModelLayers {
        let prefixes = layers.map { $0.name ?? "?" }
        let all = prefixes + norms
        guard let order = LayerNumbering.order(all) else {
            throw refusal(layers, norms: norms, byName: byName,
                          why: "the names (\(all.joined(separator: ", "))) do not differ only in their numbers")
        }
        var result: [FileLayer] = []
        var previous: (index: Int, numbers: [Int])?
        for index in order {
            let numbers = LayerNumbering.key(all[index])?.numbers ?? []
            if index < layers.count {
                result.append(layers[index])
                previous = (result.count - 1, numbers)
                continue
            }
            let norm = all[index]
            guard let before = previous, before.index == result.count - 1, follows(numbers, before.numbers) else {
                throw refusal(layers, norms: norms, byName: byName,
                              why: "batch norm '\(norm)' does not come right after a layer (its last number one more than the layer's)")
            }
            let batchNorm = try BatchNormFold.read(prefix: norm, byName: byName)
            guard let epsilon else { throw BatchNormFold.epsilonMissing(norms, onEntry: false) }
            result[before.index] = try batchNorm.folded(into: result[before.index], epsilon: epsilon)
            previous = nil
        }
        return ModelLayers(layers: result, order: result.count == 1 ? .single : .numbered(result.map { $0.name ?? "?" }))
    }

    /// The route for a batch norm after an activation (Linear, ReLU, BatchNorm1d), which
    /// gives PyTorch's numbers: eval-mode batch norm is `x · a + (bias - running_mean · a)` with
    /// `a = weight / √(running_var + eps)`, which a scale stage computes from a MinMaxScaler-form
    /// file (`x * scale_ + min_`). `scripts/make_exporter_fixtures.py` runs this very recipe.
    static let afterActivationRoute = "A batch norm after an activation (Linear, ReLU, BatchNorm1d) cannot be folded into a layer: split the network there into two forward stages (each with tensors: listing its layers, and activations:) with a scale stage between them, - scale: {file: PREFIX.json}, where PREFIX.json is written by: " + afterActivationRecipe

    /// The Python that writes a batch norm's scaler file (in ``afterActivationRoute``).
    static let afterActivationRecipe = #"python3 -c 'import json; from safetensors.torch import load_file; t = load_file("MODEL.safetensors"); p = "PREFIX"; eps = 1e-5; a = t[p + ".weight"] / (t[p + ".running_var"] + eps).sqrt(); json.dump({"scale_": a.tolist(), "min_": (t[p + ".bias"] - t[p + ".running_mean"] * a).tolist(), "clip": False}, open(p + ".json", "w"))' (eps: the BatchNorm1d's, PyTorch's default 1e-5)."#

    /// Whether `numbers` are `previous` with the last one plus one.
    static func follows(_ numbers: [Int], _ previous: [Int]) -> Bool {
        guard let last = numbers.last, numbers.count == previous.count, let previousLast = previous.last else { return false }
        return numbers.dropLast() == previous.dropLast() && last == previousLast + 1
    }

    private static func refusal(_ layers: [FileLayer], norms: [String], byName: [String: Tensor], why: String) -> ModelError {
        var lines = ["the file holds batch norms (\(norms.joined(separator: ", "))) and \(why), so nnpipe cannot tell which layer each follows. A batch norm right after a layer (Linear, BatchNorm1d): list the layers in the forward stage's tensors:, in the order of the model's forward(), with batch_norm: PREFIX and eps: (BatchNorm1d's eps; PyTorch's default \(BatchNormFold.pytorchDefaultEpsilon)) on the layer it follows. " + afterActivationRoute.replacingOccurrences(of: "PREFIX", with: norms.count == 1 ? norms[0] : "PREFIX") + " Layers found (weights stored units × inputs):"]
        lines += TensorsBlock.listing(layers, tensors: byName)
        lines.append("In the file's order, which need not be the model's: check it against forward() before use:")
        lines += TensorsBlock.yaml(layers)
        return ModelError(lines.joined(separator: "\n"))
    }
}
