/// From a model file's layers to the network a forward stage runs: the one place where the
/// layers are put in order (``LayerOrder``: the file's own, the names' numbers, the only chain of
/// shapes, or the pipeline's `tensors:`), their shapes are checked to chain, and activations are
/// attached (the file's own, or the pipeline's `activations:`, one per layer).
extension ModelFile {
    /// A forward stage's network from a model file, and how it was put together.
    package struct Loaded: Sendable {
        package var network: Network
        /// How the order of the layers was decided.
        package var order: LayerOrder
        /// Steps the model applies to its inputs before its first layer (an ONNX graph's scaler).
        package var inputSteps: [InputStep]
        /// Files beside the model that hold its weights (``ModelFile/dataFiles``).
        package var dataFiles: [String] = []
    }

    /// Loads the model file at `path` and builds the network a forward stage asks for:
    /// `activations` one per layer (required for npz and safetensors, refused for ONNX and JSON),
    /// `mapping` the layers' tensors (npz and safetensors only), `output` the graph output to run
    /// (ONNX only). A problem with what the stage asks of the file names the stage's key in
    /// ``ModelError/stageKey``.
    package static func loadNetwork(path: String, activations: [Activation]?, mapping: [TensorMapping]?,
                                   output: String?, batchNormEpsilon: Double? = nil,
                                   layerNormEpsilon: Double? = nil) throws(ModelError) -> Loaded {
        let file = try load(path: path, output: output)
        if file.format != .onnx, output != nil {
            throw file.stageProblem(.output, "output: chooses among an ONNX graph's outputs; the model (\(file.format.rawValue)) has one")
        }
        try file.refuseActivations(activations)
        if file.definedLayers != nil, batchNormEpsilon != nil {
            throw file.stageProblem(.batchNormEpsilon, "the model (\(file.format.rawValue)) gives its own batch norms' eps; batch_norm_eps is for npz and safetensors files")
        }
        if file.definedLayers != nil, layerNormEpsilon != nil {
            throw file.stageProblem(.layerNormEpsilon, "the model (\(file.format.rawValue)) gives its own layer norms' eps; layer_norm_eps is for npz and safetensors files")
        }
        let ordered = try file.orderedLayers(mapping: mapping, batchNormEpsilon: batchNormEpsilon, layerNormEpsilon: layerNormEpsilon)
        return Loaded(network: try file.network(of: ordered.layers, activations: activations), order: ordered.order,
                      inputSteps: file.inputSteps, dataFiles: file.dataFiles)
    }

    /// The dense layers, in order, with shapes checked to chain: the file's own (ONNX, JSON),
    /// or found from the tensor names or `mapping` (npz, safetensors).
    package func layers(mapping: [TensorMapping]? = nil, batchNormEpsilon: Double? = nil,
                       layerNormEpsilon: Double? = nil) throws(ModelError) -> [FileLayer] {
        try orderedLayers(mapping: mapping, batchNormEpsilon: batchNormEpsilon, layerNormEpsilon: layerNormEpsilon).layers
    }

    /// ``layers(mapping:batchNormEpsilon:)`` with how their order was decided (``LayerOrder``).
    /// `batchNormEpsilon` is the forward stage's `batch_norm_eps`: the `eps` of the batch norms
    /// of an npz or safetensors `state_dict`, which do not record it; without it (and without
    /// `eps:` on a `tensors:` entry) a file with batch norms is refused. `layerNormEpsilon` is
    /// `layer_norm_eps`, the same for its `nn.LayerNorm`s.
    package func orderedLayers(mapping: [TensorMapping]? = nil, batchNormEpsilon: Double? = nil,
                              layerNormEpsilon: Double? = nil) throws(ModelError) -> ModelLayers {
        if definedLayers != nil, mapping != nil {
            throw stageProblem(.tensors, "the model (\(format.rawValue)) gives its own layers; tensors: is for npz and safetensors files")
        }
        if let layerProblem { throw ModelError(file: name, problem: layerProblem) }
        let found: ModelLayers
        if let definedLayers {
            found = ModelLayers(layers: definedLayers, order: format == .onnx ? .graph : format == .keras ? .kerasConfig : .file)
        } else {
            do {
                found = try TensorLayers.layers(tensors, mapping: mapping, batchNormEpsilon: batchNormEpsilon,
                                                layerNormEpsilon: layerNormEpsilon)
            } catch {
                throw error.located(in: name)
            }
        }
        let layers = found.layers
        for (previous, next) in zip(layers, layers.dropFirst()) where previous.units != next.inputs {
            let hint = found.order.isFromNames ? "; if the layers are not in the order of the numbers in their names, list them with tensors: in the forward stage" : ""
            throw ModelError(file: name, problem: "shapes do not chain: layer '\(next.name ?? "?")' takes \(next.inputs) inputs but layer '\(previous.name ?? "?")' before it gives \(previous.units) units\(hint)")
        }
        return found
    }

    /// The network to run over `layers` (from ``orderedLayers(mapping:)``) with their activations:
    /// the file's own, or `activations` (one per layer; required for npz and safetensors,
    /// refused for ONNX and JSON).
    func network(of layers: [FileLayer], activations: [Activation]?) throws(ModelError) -> Network {
        try refuseActivations(activations)
        if !givesActivations {
            let found = layers.map { "\($0.name ?? "?") (\($0.inputs)→\($0.units))" }.joined(separator: ", ")
            guard let activations else {
                throw stageProblem(.model, "the model (\(format.rawValue)) holds no activations; give one per layer with activations: [...] (layers found: \(found))")
            }
            guard activations.count == layers.count else {
                throw stageProblem(.activations, "lists \(activations.count) activations but the model has \(layers.count) layers: \(found)")
            }
            return Self.network(try Self.withFileSlopes(layers, activations: activations, stageProblem: stageProblem), activations: nil)
        }
        return Self.network(layers, activations: activations)
    }

    /// `layers` with the pipeline's `activations` (one per layer) set: a bare `prelu` takes the
    /// slopes of the file's PReLU after its layer, which only it may stand for.
    static func withFileSlopes(_ layers: [FileLayer], activations: [Activation],
                               stageProblem: (ModelError.StageKey, String) -> ModelError) throws(ModelError) -> [FileLayer] {
        var result = layers
        for (index, layer) in layers.enumerated() {
            let place = "layer '\(layer.name ?? "?")' (number \(index + 1) of \(layers.count) in activations:)"
            var activation = activations[index]
            if let slopes = layer.fileSlopes {
                guard activation.takesFileSlopes else {
                    throw stageProblem(.activations, "\(place) is followed by an nn.PReLU in the model file, \(layer.modules.last ?? "PReLU"); write prelu there (its slopes are the file's), not \(activation.name)")
                }
                activation = .prelu(slopes: slopes)
            }
            if let problem = activation.problem(units: layer.units) {
                throw stageProblem(.activations, "\(place): \(problem)")
            }
            result[index].activation = activation
        }
        return result
    }

    /// `layers` as a network, each with its activation from `activations` when given (one per
    /// layer, counted by the caller), else its own.
    static func network(_ layers: [FileLayer], activations: [Activation]?) -> Network {
        Network(layers: layers.enumerated().map { index, layer in
            var dense = layer.dense
            if let activations { dense.activation = activations[index] }
            return dense
        })
    }

    /// Refuses `activations` for a file that gives its own.
    private func refuseActivations(_ activations: [Activation]?) throws(ModelError) {
        if givesActivations, activations != nil {
            throw stageProblem(.activations, "the model (\(format.rawValue)) gives its own activations; remove activations")
        }
    }

    /// A problem with what the forward stage's `key` asks of this file.
    func stageProblem(_ key: ModelError.StageKey, _ problem: String) -> ModelError {
        var error = ModelError(file: name, problem: problem)
        error.stageKey = key
        return error
    }
}
