import Foundation

/// The `forward` stage: a dense network, from a model file or written inline, on the values
/// each row brings; it may write hidden layers' activations beside its own.
///
/// ```yaml
///   - forward: {model: model.npz, activations: [relu, softmax], hidden: [0], precision: float64}
///   - forward: {layers: [{weights: [[1, 0], [0, 1]], bias: [0, 0], activation: identity}]}
/// ```
/// The model-file keys (`model`, `activations`, `tensors`, `output`) are read by
/// `ModelFileStageLoader.swift`.
struct ForwardStage: Stage {
    static let keys = ["model", "layers", "activations", "tensors", "output", "batch_norm_eps", "layer_norm_eps", "precision", "hidden",
                       "final"]
    static let tensorMappingKeys = ["weights", "bias", "transpose", "batch_norm", "eps", "layer_norm", "prelu"]
    static let layerKeys = ["weights", "bias", "activation"]

    var network: Network
    /// Where the model came from (`sample-data/seed-model.json`, or `inline layers`).
    var source: String
    var precision: ForwardPrecision = .float64
    /// Hidden layers (0-based indices into `network.layers`) whose activations are written too.
    var hiddenOutputs: [Int] = []
    /// Whether the last layer's activations go on (to the next stage or the output). False when
    /// only hidden layers are wanted; the network then stops at the last of them.
    var keepsFinal: Bool = true
    /// How a model file's layer order was decided, for `validate`; nil for inline layers.
    var layerOrder: LayerOrder?
    /// Elementwise steps the model file applies to the inputs before its first layer (an ONNX
    /// graph's scaler), in order.
    var inputSteps: [InputStep] = []

    var kind: String { "forward" }

    func link(_ link: inout StageLink) {
        if let width = link.inputWidth, width != network.inputCount {
            link.report("the model (\(source)) takes \(network.inputCount) inputs but \(link.inputOrigin)")
        }
        link.outputWidth = network.outputCount
        if !keepsFinal, !link.isLast {
            link.report("a forward stage with final: false writes only hidden layers, so it must be the last stage before write")
        }
        for (group, index) in hiddenOutputs.enumerated() {
            let layer = network.layers[index]
            let prefix = layer.name ?? "h\(index)"
            link.writeBeside(group: group, names: (0..<layer.units).map { "\(prefix)_\($0)" })
        }
        if keepsFinal {
            link.writeValues(names: (0..<network.outputCount).map { "y\($0)" })
        } else {
            link.dropValues()
        }
    }

    var descriptionLines: [String] {
        let shapes = network.layers.map { "\($0.inputs)→\($0.units) \($0.layerNorm == nil ? "" : "layer_norm, ")\($0.activation.name)" }
        var options = precision == .float32 ? ", float32" : ""
        if !hiddenOutputs.isEmpty { options += ", hidden layers \(hiddenOutputs.map(String.init).joined(separator: ", "))" }
        if !keepsFinal { options += ", hidden layers only" }
        var lines = ["  forward \(source): \(shapes.joined(separator: ", "))\(options)"]
        if let layerOrder { lines.append("          order: \(layerOrder.description)") }
        for step in inputSteps { lines.append("          input step: \(step.description)") }
        return lines
    }

    var reportFields: [String: Any] {
        let layers = network.layers.map { layer -> [String: Any] in
            var fields: [String: Any] = ["inputs": layer.inputs, "units": layer.units, "activation": layer.activation.name]
            if let name = layer.name { fields["name"] = name }
            if let norm = layer.layerNorm { fields["layer_norm_eps"] = norm.epsilon }
            return fields
        }
        return ["model": source, "precision": precision.rawValue, "layers": layers,
                "order": layerOrder?.reportFields ?? NSNull(), "input_steps": inputSteps.map(\.description),
                "hidden_outputs": hiddenOutputs, "keeps_final": keepsFinal]
    }

    func makeWorker(delimiter: UInt8) -> any StageWorker { Worker(stage: self) }

    /// The network on a whole chunk, into the worker's own buffer; hidden layers into theirs.
    private final class Worker: StageWorker {
        let stage: ForwardStage
        let output = ValueBuffer<Double>()
        let captures: [ValueBuffer<Double>]
        var scratch = ForwardScratch()

        init(stage: ForwardStage) {
            self.stage = stage
            captures = stage.hiddenOutputs.map { _ in ValueBuffer() }
        }

        func run(_ values: UnsafeMutablePointer<Double>, rows: Int, width: Int,
                 groups: inout [ColumnGroup]) -> UnsafeMutablePointer<Double> {
            let roundsToFloat32 = stage.precision == .float32
            if roundsToFloat32 {
                for i in 0..<(rows * width) { values[i] = Double(Float(values[i])) }
            }
            for step in stage.inputSteps { step.apply(to: values, rows: rows, width: width, roundsToFloat32: roundsToFloat32) }
            let network = stage.network
            let target = output.reserve(rows * network.outputCount)
            let captured = zip(stage.hiddenOutputs, captures).map { layer, buffer in
                (layer: layer, into: buffer.reserve(rows * network.layers[layer].units))
            }
            network.forward(values, rows: rows, into: target, captures: captured, scratch: &scratch)
            groups.removeAll(keepingCapacity: true)
            for (layer, capture) in captured {
                groups.append(.values(UnsafePointer(capture), width: network.layers[layer].units))
            }
            return target
        }
    }
}

/// Arithmetic precision of a forward stage.
package enum ForwardPrecision: String, Sendable {
    /// numpy float64.
    case float64
    /// Values rounded to float32 wherever a float32 model stores them (inputs, weights, every
    /// layer's pre-activation and output), for models trained in float32.
    case float32
}

extension ForwardStage {
    @Sendable static func load(_ cursor: YAMLCursor, _ context: LoadContext) -> (any Stage)? {
        guard let keys = cursor.mapping(allowed: Self.keys) else { return nil }
        switch (keys["model"], keys["layers"]) {
        case (let model?, nil):
            guard let path = model.nonEmptyString() else { return nil }
            context.diagnostics.noteRead(context.resolve(path, at: model), role: "model file", at: model)
            guard var forward = context.modelFile(context.resolve(path, at: model), cursor: model, activations: keys["activations"],
                                                  tensors: keys["tensors"], output: keys["output"],
                                                  batchNormEpsilon: keys["batch_norm_eps"], layerNormEpsilon: keys["layer_norm_eps"]) else {
                return nil
            }
            return forward.applyOptions(keys) ? forward : nil
        case (nil, let layers?):
            for key in ["activations", "tensors", "output", "batch_norm_eps", "layer_norm_eps"] where keys[key] != nil {
                keys[key]?.report("\(key) goes with a model file; inline layers give their own activation")
            }
            guard var forward = inlineModel(layers, context: context) else { return nil }
            return forward.applyOptions(keys) ? forward : nil
        case (.some, .some):
            cursor.reportConflict("give either model (a file) or layers (inline), not both", among: [keys["model"], keys["layers"]])
            return nil
        case (nil, nil):
            cursor.report("missing required key 'model' (a model file) or 'layers' (inline)")
            return nil
        }
    }

    private static func inlineModel(_ cursor: YAMLCursor, context: LoadContext) -> ForwardStage? {
        guard let elements = cursor.sequence() else { return nil }
        var raw: [WrittenLayer] = []
        for element in elements {
            guard let keys = element.mapping(allowed: Self.layerKeys, required: Self.layerKeys) else { continue }
            guard let rows = keys["weights"]?.sequence(), let bias = keys["bias"]?.numbers(),
                  let activationCursor = keys["activation"], let name = activationCursor.string() else { continue }
            guard let activation = Activation.named(name) else {
                activationCursor.report("unknown activation '\(name)'; known: \(Activation.knownNames)")
                continue
            }
            let weights = rows.compactMap { $0.numbers() }
            guard weights.count == rows.count else { continue }
            raw.append(.init(weights: weights, bias: bias, activation: activation, path: element.path, line: element.line))
        }
        guard raw.count == elements.count else { return nil }
        let file = context.diagnostics.file
        do {
            return ForwardStage(network: try WrittenLayer.network(raw, file: file), source: "inline layers")
        } catch let error as ModelError {
            context.diagnostics.report(ConfigError(file: file, line: error.line, keyPath: error.path, problem: error.problem))
        } catch {
            cursor.report("\(error)")
        }
        return nil
    }

    /// `precision`, `hidden` and `final`; false when one of them is wrong (reported).
    private mutating func applyOptions(_ keys: [String: YAMLCursor]) -> Bool {
        var ok = true
        if let precisionCursor = keys["precision"] {
            if let value = precisionCursor.choice(["float64", "float32"]) {
                precision = ForwardPrecision(rawValue: value) ?? .float64
            } else {
                ok = false
            }
        }
        let layers = network.layers
        if let hidden = keys["hidden"], let elements = hidden.sequence() {
            for element in elements {
                guard let text = element.string() else { ok = false; continue }
                let index = layers.firstIndex { $0.name == text } ?? Int(text).flatMap { (0..<layers.count).contains($0) ? $0 : nil }
                guard let index else {
                    let names = layers.enumerated().map { "\($0.offset)" + ($0.element.name.map { " (\($0))" } ?? "") }
                    element.report("no layer '\(text)'; layers: \(names.joined(separator: ", "))")
                    ok = false
                    continue
                }
                hiddenOutputs.append(index)
            }
        } else if keys["hidden"] != nil {
            ok = false
        }
        if let final = keys["final"] {
            if let value = final.bool() {
                keepsFinal = value
                if !value {
                    if let last = hiddenOutputs.max() {
                        network = network.prefix(through: last)
                    } else {
                        final.report("final: false writes only hidden layers, but hidden lists none")
                        ok = false
                    }
                }
            } else {
                ok = false
            }
        }
        if precision == .float32 { network = network.roundedToFloat32() }
        return ok
    }
}
