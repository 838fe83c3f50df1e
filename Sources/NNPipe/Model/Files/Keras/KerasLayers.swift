/// Builds nnpipe's input steps and dense layers from a Keras model's layers (``KerasConfig``)
/// and weights (``HDF5File``), computing what Keras 3 computes in inference:
///
/// - `Dense`: `x · kernel + bias` (kernel inputs × units, no bias with `use_bias=False`), then
///   its activation; `Activation`, `ReLU` and `LeakyReLU` (`negative_slope`, Keras' default 0.3)
///   give the activation of the Dense layer before them, or, after a layer that has one, run on
///   an identity layer of their own;
/// - `BatchNormalization`: `(x − moving_mean) · γ/√(moving_variance + ε) + β`, with the layer's
///   `epsilon`, folded into the Dense layer before it when that one has no activation, as input
///   steps before the first layer, else as a per-unit layer (a diagonal weight matrix);
/// - `Normalization` (adapted, or with `mean` and `variance` in its config):
///   `(x − mean) / max(√variance, 1e-7)` (Keras' `backend.epsilon()`), as input steps before the
///   first layer, else as a per-unit layer;
/// - `LayerNormalization` (axis -1, not `rms_scaling`): `(x − mean) / √(variance + ε) · γ + β` over
///   each row's units, with the layer's `epsilon`, as the layer norm of the Dense layer before it
///   (between its bias and its activation); after an activation it is refused;
/// - `Dropout` and `InputLayer`: nothing in inference.
///
/// Any other layer is refused by its class name before any weight is read.
struct KerasLayers {
    /// The layer classes nnpipe runs.
    static let supported = ["InputLayer", "Dense", "Activation", "ReLU", "LeakyReLU", "BatchNormalization", "Normalization",
                            "LayerNormalization", "Dropout"]

    let weights: HDF5File
    private(set) var steps: [InputStep] = []
    private(set) var layers: [FileLayer] = []
    /// Every weight read, for `nnpipe inspect`.
    private(set) var tensors: [Tensor] = []
    /// The Dense layer whose activation has not been given yet (it had `linear`).
    var open: FileLayer?
    /// The width of the running value (nil until an InputLayer or the first Dense layer says).
    var width: Int?

    init(weights: HDF5File) {
        self.weights = weights
    }

    /// The steps and layers of `model`.
    static func build(_ model: KerasConfig, weights: HDF5File) throws(ModelError) -> KerasLayers {
        if let other = model.layers.first(where: { !supported.contains($0.className) }) {
            throw refusal(other)
        }
        var builder = KerasLayers(weights: weights)
        for layer in model.layers { try builder.add(layer) }
        builder.close(.identity)
        guard !builder.layers.isEmpty else { throw ModelError("the Keras model has no Dense layer") }
        return builder
    }

    /// The refusal of a layer class nnpipe does not run.
    static func refusal(_ layer: KerasConfig.Layer) -> ModelError {
        let known = supported.joined(separator: ", ")
        return layer.problem("is a layer nnpipe does not run; nnpipe runs Keras models made of \(known) layers: export this model to ONNX instead (tf2onnx, or torch.onnx on the torch backend)")
    }

    private mutating func add(_ layer: KerasConfig.Layer) throws(ModelError) {
        switch layer.className {
        case "InputLayer":
            if case .array(let shape)? = layer.value("batch_shape") ?? layer.value("batch_input_shape") {
                guard shape.count == 2, case .number(let features) = shape[1] else {
                    throw layer.problem("has batch_shape with \(shape.count) dimensions or no number of features; nnpipe runs models on rows of features, batch_shape (None, features)")
                }
                width = Int(features)
            }
        case "Dense":
            try dense(layer)
        case "Activation":
            guard case .string(let name)? = layer.value("activation") else { throw layer.problem("has an activation that is not a name") }
            try activate(try Self.activation(name, layer: layer), layer: layer)
        case "ReLU":
            let slope = try layer.number("negative_slope", 0), threshold = try layer.number("threshold", 0)
            guard layer.value("max_value") == nil, threshold == 0 else {
                throw layer.problem("has max_value or threshold; nnpipe runs ReLU only as max(x, 0) or a leaky ReLU (negative_slope)")
            }
            try activate(slope == 0 ? .relu : .leakyRelu(slope: slope), layer: layer)
        case "LeakyReLU":
            try activate(.leakyRelu(slope: try layer.number("negative_slope", layer.number("alpha", 0.3))), layer: layer)
        case "BatchNormalization":
            try batchNorm(layer)
        case "Normalization":
            try normalization(layer)
        case "LayerNormalization":
            try layerNorm(layer)
        default:
            break  // Dropout
        }
    }

    /// Gives `activation` to the open Dense layer, or runs it on an identity layer of its own.
    private mutating func activate(_ activation: Activation, layer: KerasConfig.Layer) throws(ModelError) {
        if open != nil { return close(activation) }
        let n = try currentWidth(layer)
        var identity = [Double](repeating: 0, count: n * n)
        for i in 0..<n { identity[i * n + i] = 1 }
        layers.append(FileLayer(DenseLayer(inputs: n, units: n, weights: identity, bias: .init(repeating: 0, count: n),
                                           activation: activation, name: layer.name),
                                givesActivation: true, weightsTensor: "identity (\(layer.className))"))
    }

    mutating func close(_ activation: Activation) {
        guard var layer = open else { return }
        layer.activation = activation
        layers.append(layer)
        open = nil
    }

    func currentWidth(_ layer: KerasConfig.Layer) throws(ModelError) -> Int {
        guard let width else { throw layer.problem("comes before the model's first Dense layer and no InputLayer gives the number of features") }
        return width
    }

    /// The variable `index` of `layer` (`layers/dense/vars/0`).
    mutating func variable(_ layer: KerasConfig.Layer, _ index: Int) throws(ModelError) -> Tensor {
        let path = "\(layer.weightsGroup)/\(index)"
        guard weights.contains(path) else {
            throw layer.problem("has no weights '\(path)' in model.weights.h5; was the file written by a Keras 3 model.save or save_weights of this model?")
        }
        let tensor = try weights.tensor(path)
        try tensor.checkUsable()
        try FileLayer.checkFinite(tensor)
        tensors.append(tensor)
        return tensor
    }

    private mutating func dense(_ layer: KerasConfig.Layer) throws(ModelError) {
        close(.identity)
        if layer.value("quantization_config") != nil || layer.value("lora_rank") != nil {
            throw layer.problem("is quantized or has LoRA weights; nnpipe reads Dense layers of float weights")
        }
        let useBias: Bool
        switch layer.value("use_bias") {
        case nil, .bool(true)?: useBias = true
        case .bool(false)?: useBias = false
        default: throw layer.problem("has use_bias that is not true or false")
        }
        let activation: Activation
        switch layer.value("activation") {
        case nil: activation = .identity
        case .string(let name)?: activation = try Self.activation(name, layer: layer)
        default: throw layer.problem("has an activation that is not a name (a custom function); nnpipe runs Keras' built-in activations")
        }
        let kernel = try variable(layer, 0)
        let bias = useBias ? try variable(layer, 1) : nil
        var built = try FileLayer.from(weights: kernel, bias: bias, transpose: false, name: layer.name)
        if let width, built.inputs != width {
            throw layer.problem("takes \(built.inputs) inputs but the layer before it gives \(width)")
        }
        width = built.units
        if activation == .identity {
            open = built
        } else {
            built.activation = activation
            layers.append(built)
        }
    }

    /// `x · a + shift` per unit: folded into the open Dense layer, as input steps before the
    /// first layer (`subtract`, then `multiply`/`divide`, then `add`, as Keras computes it), or
    /// as a diagonal layer.
    mutating func perUnit(_ layer: KerasConfig.Layer, mean: [Double], scale: [Double], divide: Bool,
                                  beta: [Double]?, sources: [String], epsilon: String) throws(ModelError) {
        let n = try currentWidth(layer)
        guard mean.count == n || mean.count == 1, scale.count == mean.count else {
            throw layer.problem("has \(mean.count) values per feature but the layer before it gives \(n)")
        }
        let a = scale.map { divide ? 1 / $0 : $0 }
        if open == nil && layers.isEmpty {
            steps.append(InputStep(operation: .subtract, values: mean, source: "\(layer.className) '\(layer.name)'"))
            steps.append(InputStep(operation: divide ? .divide : .multiply, values: scale, source: "\(layer.className) '\(layer.name)'"))
            if let beta { steps.append(InputStep(operation: .add, values: beta, source: "\(layer.className) '\(layer.name)'")) }
            return
        }
        let value = { (v: [Double], i: Int) in v.count == 1 ? v[0] : v[i] }
        let shift = (0..<n).map { i in (beta.map { value($0, i) } ?? 0) - value(mean, i) * value(a, i) }
        if var folded = open, folded.dense.layerNorm == nil {
            for unit in 0..<n {
                for input in 0..<folded.inputs { folded.dense.weights[input * n + unit] *= value(a, unit) }
                folded.dense.bias[unit] = folded.dense.bias[unit] * value(a, unit) + shift[unit]
            }
            folded.batchNorm = layer.name
            folded.batchNormEpsilonSource = epsilon
            folded.batchNormTensors = sources
            open = folded
            return
        }
        // (A layer norm on the open layer runs after its bias: what follows it is a layer of its own.)
        close(.identity)
        var diagonal = [Double](repeating: 0, count: n * n)
        for i in 0..<n { diagonal[i * n + i] = value(a, i) }
        var perUnit = FileLayer(DenseLayer(inputs: n, units: n, weights: diagonal, bias: shift, activation: .identity, name: layer.name),
                                givesActivation: true, weightsTensor: "\(layer.className) '\(layer.name)' per unit")
        perUnit.batchNormTensors = sources
        open = perUnit
    }

    static func numbers(_ value: JSONValue, layer: KerasConfig.Layer, key: String) throws(ModelError) -> [Double] {
        switch value {
        case .number(let number): return [number]
        case .array(let elements):
            var result: [Double] = []
            for element in elements {
                guard case .number(let number) = element else { throw layer.problem("has \(key) that is not a list of numbers") }
                result.append(number)
            }
            return result
        default: throw layer.problem("has \(key) that is not a number or a list of numbers")
        }
    }

    /// Keras' activation names, in nnpipe's words where they differ: Keras' `leaky_relu` has
    /// slope 0.2, its `softplus` is `log(1 + eˣ)` without PyTorch's threshold.
    static let activationNames = ["linear": "identity", "leaky_relu": "leaky_relu(0.2)", "softplus": "softplus_exact",
                                  "swish": "silu", "hard_silu": "hardswish", "hard_swish": "hardswish",
                                  "hard_sigmoid": "hardsigmoid", "exponential": "exp", "log_sigmoid": "logsigmoid",
                                  "hard_tanh": "hardtanh"]
    static func activation(_ name: String, layer: KerasConfig.Layer) throws(ModelError) -> Activation {
        // Keras' other names (relu, sigmoid, tanh, softmax, elu, selu, gelu, mish, softsign,
        // log_softmax, relu6, celu, silu) mean nnpipe's formula of the same name.
        if let activation = Activation.named(activationNames[name] ?? name) { return activation }
        throw layer.problem("has activation '\(name)', which nnpipe does not have; nnpipe runs \(Activation.knownNames) (Keras' linear, leaky_relu, softplus, swish, hard_silu, hard_sigmoid, exponential, log_sigmoid as identity, leaky_relu(0.2), softplus_exact, silu, hardswish, hardsigmoid, exp, logsigmoid)")
    }
}
