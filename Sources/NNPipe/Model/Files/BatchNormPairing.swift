/// Pairs each `BatchNorm1d` of a `state_dict` with the `nn.Linear` just before it, from the
/// names alone, and folds it in (``BatchNormFold``).
///
/// The pairing is taken only when it cannot be wrong: the layer and batch norm prefixes share
/// one numbering (``LayerNumbering``), and each batch norm's last number is one more than its
/// layer's, the rest equal (`net.0` then `net.1`, as `nn.Sequential` numbers its modules), so
/// no module (an activation, which has no tensors) can sit between them. `fc1` and `bn1`,
/// or `net.0` then `net.2` (a ReLU at `net.1`?), are refused with a `tensors:` block that
/// names the batch norm.
enum BatchNormPairing {
    /// `layers` (named by their prefixes) in order with `norms` folded in.
    static func fold(_ layers: [FileLayer], norms: [String], byName: [String: Tensor]) throws(ModelError) -> ModelLayers {
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
            result[before.index] = try BatchNormFold.read(prefix: norm, byName: byName).folded(into: result[before.index])
            previous = nil
        }
        return ModelLayers(layers: result, order: result.count == 1 ? .single : .numbered(result.map { $0.name ?? "?" }))
    }

    /// Whether `numbers` are `previous` with the last one plus one.
    static func follows(_ numbers: [Int], _ previous: [Int]) -> Bool {
        guard let last = numbers.last, numbers.count == previous.count, let previousLast = previous.last else { return false }
        return numbers.dropLast() == previous.dropLast() && last == previousLast + 1
    }

    private static func refusal(_ layers: [FileLayer], norms: [String], byName: [String: Tensor], why: String) -> ModelError {
        var lines = ["the file holds batch norms (\(norms.joined(separator: ", "))) and \(why), so nnpipe cannot tell which layer each follows; list the layers in the forward stage's tensors:, in the order of the model's forward(), with batch_norm: PREFIX on the layer each batch norm follows (eps: 1e-5 unless given). Layers found (weights stored units × inputs):"]
        lines += TensorsBlock.listing(layers, tensors: byName)
        lines.append("In the file's order, which need not be the model's: check it against forward() before use:")
        lines += TensorsBlock.yaml(layers)
        return ModelError(lines.joined(separator: "\n"))
    }
}
