/// A `BatchNorm1d` in eval mode, from a `state_dict`'s `PREFIX.running_mean`, `running_var`,
/// `weight` and `bias` (the last two absent when `affine=False`), folded into the dense layer
/// just before it.
///
/// PyTorch computes eval-mode batch norm as `x · a + s` with `a = weight / √(running_var + eps)`
/// and `s = bias - running_mean · a`; after a dense layer `x W + b` that is the dense layer
/// `x (W·a) + (b·a + s)`, column by column. `num_batches_tracked` (an I64 counter) only matters
/// in training and is not read.
///
/// A `state_dict` does not record `eps`, and a wrong one gives wrong numbers (`eps=1e-3` folded
/// as 1e-5 is off by 2e-3), so it is never assumed: the forward stage gives it
/// (`batch_norm_eps:`, or `eps:` on a `tensors:` entry), or the file is refused with the line
/// to add (``epsilonMissing(_:onEntry:)``).
struct BatchNormFold {
    /// The module's prefix (`net.1`).
    var prefix: String
    var mean: [Double]
    var variance: [Double]
    var gamma: [Double]
    var beta: [Double]
    /// The tensors read, for `nnpipe inspect`.
    var tensors: [String]

    /// PyTorch's default `eps`, for messages only: it is never assumed.
    static let pytorchDefaultEpsilon = "1e-5"

    /// The refusal for batch norms `prefixes` folded without an `eps`; `onEntry` when they were
    /// named by a `tensors:` entry (whose `eps:` also gives it).
    static func epsilonMissing(_ prefixes: [String], onEntry: Bool) -> ModelError {
        let names = prefixes.map { "'\($0)'" }.joined(separator: ", ")
        let entry = onEntry ? ", or eps: on its tensors: entry" : ""
        let (noun, verb) = prefixes.count == 1 ? ("batch norm", "is") : ("batch norms", "are")
        return ModelError("\(noun) \(names) \(verb) folded into the layer before with its eps, which a state_dict does not record; give the eps the model was built with (BatchNorm1d(eps=...); PyTorch's default is \(pytorchDefaultEpsilon)) in the forward stage: batch_norm_eps: \(pytorchDefaultEpsilon)\(entry) (on the command line: --set forward.batch_norm_eps=\(pytorchDefaultEpsilon))")
    }

    /// The suffixes of a batch norm's tensors in a `state_dict`.
    static let statisticSuffixes = [".running_mean", ".running_var", ".num_batches_tracked"]

    /// Reads the batch norm `prefix` from `byName`, checking that its vectors agree in length.
    static func read(prefix: String, byName: [String: Tensor]) throws(ModelError) -> BatchNormFold {
        func vector(_ suffix: String, required: Bool) throws(ModelError) -> Tensor? {
            guard let tensor = byName[prefix + suffix] else {
                if required { throw ModelError("batch norm '\(prefix)' has no tensor '\(prefix + suffix)'") }
                return nil
            }
            try tensor.checkUsable()
            guard tensor.shape.count == 1 else {
                throw ModelError("batch norm tensor '\(tensor.name)' has shape \(tensor.shapeText); expected one value per feature")
            }
            try FileLayer.checkFinite(tensor)
            return tensor
        }
        guard let mean = try vector(".running_mean", required: true), let variance = try vector(".running_var", required: true) else {
            throw ModelError("batch norm '\(prefix)' lacks running_mean or running_var")
        }
        let gamma = try vector(".weight", required: false), beta = try vector(".bias", required: false)
        let count = mean.values.count
        for tensor in [variance, gamma, beta].compactMap({ $0 }) where tensor.values.count != count {
            throw ModelError("batch norm tensor '\(tensor.name)' has \(tensor.values.count) values but '\(mean.name)' has \(count)")
        }
        if let index = variance.values.firstIndex(where: { $0 < 0 }) {
            throw ModelError("batch norm tensor '\(variance.name)' holds a negative variance \(variance.values[index]) at index \(index)")
        }
        return BatchNormFold(prefix: prefix, mean: mean.values, variance: variance.values,
                             gamma: gamma?.values ?? [Double](repeating: 1, count: count),
                             beta: beta?.values ?? [Double](repeating: 0, count: count),
                             tensors: [mean, variance, gamma, beta].compactMap { $0?.name })
    }

    /// `layer` followed by this batch norm, as one dense layer.
    func folded(into layer: FileLayer, epsilon: Double) throws(ModelError) -> FileLayer {
        guard mean.count == layer.units else {
            throw ModelError("batch norm '\(prefix)' normalizes \(mean.count) features but layer '\(layer.name ?? "?")' before it gives \(layer.units) units")
        }
        var result = layer
        for unit in 0..<layer.units {
            let a = gamma[unit] / (variance[unit] + epsilon).squareRoot()
            let shift = beta[unit] - mean[unit] * a
            for input in 0..<layer.inputs { result.dense.weights[input * layer.units + unit] *= a }
            result.dense.bias[unit] = layer.dense.bias[unit] * a + shift
        }
        result.batchNorm = prefix
        result.batchNormTensors = tensors
        return result
    }
}
