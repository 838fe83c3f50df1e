/// The normalization layers of a Keras model: batch norms and `Normalization` as per-unit steps,
/// layer norms on the Dense layer before them (see ``KerasLayers``).
extension KerasLayers {
    mutating func batchNorm(_ layer: KerasConfig.Layer) throws(ModelError) {
        let axis = layer.value("axis")
        guard axis == nil || axis == .number(-1) || axis == .array([.number(-1)]) || axis == .number(1) else {
            throw layer.problem("normalizes axis \(axis.map { "\($0)" } ?? ""); nnpipe runs batch norms over the features (axis -1)")
        }
        let epsilon = try layer.number("epsilon", 1e-3)
        let (gamma, beta, stored) = try scaleAndCenter(layer)
        let mean = try variable(layer, stored), variance = try variable(layer, stored + 1)
        let count = mean.values.count
        for tensor in [gamma, beta, variance].compactMap({ $0 }) where tensor.values.count != count {
            throw layer.problem("has \(tensor.values.count) values in '\(tensor.name)' but \(count) in '\(mean.name)'")
        }
        if let negative = variance.values.firstIndex(where: { $0 < 0 }) {
            throw layer.problem("has a negative moving variance \(variance.values[negative]) at index \(negative)")
        }
        let scale = (0..<count).map { i in (gamma?.values[i] ?? 1) * (1 / (variance.values[i] + epsilon).squareRoot()) }
        try perUnit(layer, mean: mean.values, scale: scale, divide: false, beta: beta?.values ?? .init(repeating: 0, count: count),
                    sources: [gamma, beta, mean, variance].compactMap { $0?.name }, epsilon: "its epsilon, \(epsilon), from config.json")
    }

    /// A layer norm on the Dense layer before it, whose activation is still to come.
    mutating func layerNorm(_ layer: KerasConfig.Layer) throws(ModelError) {
        let axis = layer.value("axis")
        guard axis == nil || axis == .number(-1) || axis == .array([.number(-1)]) || axis == .number(1) || axis == .array([.number(1)]) else {
            throw layer.problem("normalizes axis \(axis.map { "\($0)" } ?? ""); nnpipe runs layer norms over the units (axis -1)")
        }
        guard layer.value("rms_scaling") != .bool(true) else {
            throw layer.problem("has rms_scaling=True; nnpipe runs LayerNormalization without it only")
        }
        guard var normalized = open, normalized.dense.layerNorm == nil else {
            throw layer.problem(open == nil
                ? "comes after an activation (or before the first Dense layer); nnpipe runs a layer norm only between a Dense layer and its activation, so it cannot run this model"
                : "follows another layer norm of the same Dense layer; nnpipe runs one layer norm between a layer and its activation")
        }
        let epsilon = try layer.number("epsilon", 1e-3)
        let units = normalized.units
        let (gamma, beta, _) = try scaleAndCenter(layer)
        for tensor in [gamma, beta].compactMap({ $0 }) where tensor.values.count != units {
            throw layer.problem("has \(tensor.values.count) values in '\(tensor.name)' but the Dense layer before it has \(units) units")
        }
        normalized.dense.layerNorm = LayerNorm(epsilon: epsilon, gain: gamma?.values ?? .init(repeating: 1, count: units),
                                               bias: beta?.values ?? .init(repeating: 0, count: units), source: layer.name)
        normalized.modules.append("layer norm \(layer.name) (with its epsilon, \(epsilon), from config.json)")
        normalized.moduleTensors += [gamma, beta].compactMap { $0?.name }
        open = normalized
    }

    mutating func normalization(_ layer: KerasConfig.Layer) throws(ModelError) {
        let axis = layer.value("axis")
        guard axis == nil || axis == .number(-1) || axis == .array([.number(-1)]) else {
            throw layer.problem("normalizes axis \(axis.map { "\($0)" } ?? ""); nnpipe runs Normalization over the features (axis -1)")
        }
        guard layer.value("invert") != .bool(true) else {
            throw layer.problem("has invert=True (it undoes a normalization); nnpipe runs Normalization as (x - mean) / sqrt(variance) only")
        }
        var mean: [Double], variance: [Double], sources: [String] = []
        if let given = layer.value("mean") {
            mean = try Self.numbers(given, layer: layer, key: "mean")
            variance = try Self.numbers(layer.value("variance") ?? .null, layer: layer, key: "variance")
        } else {
            let m = try variable(layer, 0), v = try variable(layer, 1)
            (mean, variance, sources) = (m.values, v.values, [m.name, v.name])
        }
        guard variance.count == mean.count, variance.allSatisfy({ $0 >= 0 && $0.isFinite }), mean.allSatisfy(\.isFinite) else {
            throw layer.problem("has a mean and variance of different lengths, or a negative or non-finite variance")
        }
        // Keras divides by max(√variance, backend.epsilon()), 1e-7 unless the program changed it.
        try perUnit(layer, mean: mean, scale: variance.map { max($0.squareRoot(), 1e-7) }, divide: true, beta: nil, sources: sources,
                    epsilon: "Keras' epsilon 1e-7 under the square root's floor")
    }

    /// A batch or layer norm's γ and β, stored first (each only when its `scale` or `center` is
    /// not false), and the index of the variable after them.
    private mutating func scaleAndCenter(_ layer: KerasConfig.Layer) throws(ModelError) -> (gamma: Tensor?, beta: Tensor?, next: Int) {
        let gamma = layer.value("scale") != .bool(false) ? try variable(layer, 0) : nil
        let beta = layer.value("center") != .bool(false) ? try variable(layer, gamma == nil ? 0 : 1) : nil
        return (gamma, beta, [gamma, beta].compactMap { $0 }.count)
    }
}
