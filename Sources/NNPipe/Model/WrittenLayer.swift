/// A dense layer written out as lists of numbers, before its shapes are checked: one of a JSON
/// model file's `layers`, or of a forward stage's inline `layers:`. Both are written
/// ```json
/// {"weights": [[1, -3, 5], [2, 4, -6]], "bias": [-1, 1, 2], "activation": "sigmoid"}
/// ```
/// with `weights` inputs × units (numpy's `x @ W + b` convention) and one `bias` value per unit.
struct WrittenLayer {
    var weights: [[Double]]
    var bias: [Double]
    var activation: Activation
    /// Where the layer was written, for messages (`layers[1]`).
    var path: String
    var line: Int?

    /// Checks that each layer is a full inputs × units matrix with a bias per unit and that the
    /// layers chain, naming the written place of a problem; `file` is the file they are in.
    static func layers(_ written: [WrittenLayer], file: String) throws(ModelError) -> [FileLayer] {
        guard !written.isEmpty else {
            throw ModelError(file: file, path: "layers", problem: "a model needs at least one layer")
        }
        var layers: [FileLayer] = []
        for layer in written {
            let inputs = layer.weights.count
            guard inputs > 0, let units = layer.weights.first?.count, units > 0 else {
                throw ModelError(file: file, line: layer.line, path: "\(layer.path).weights",
                                 problem: "weights must be a non-empty inputs × units matrix")
            }
            for (r, row) in layer.weights.enumerated() where row.count != units {
                throw ModelError(file: file, line: layer.line, path: "\(layer.path).weights[\(r)]",
                                 problem: "row has \(row.count) values but row 0 has \(units); weights must be inputs × units")
            }
            guard layer.bias.count == units else {
                throw ModelError(file: file, line: layer.line, path: "\(layer.path).bias",
                                 problem: "has \(layer.bias.count) values but weights have \(units) units (columns)")
            }
            if let previous = layers.last, previous.units != inputs {
                throw ModelError(file: file, line: layer.line, path: "\(layer.path).weights",
                                 problem: "takes \(inputs) inputs (rows) but the layer before has \(previous.units) units")
            }
            if let problem = layer.activation.problem(units: units) {
                throw ModelError(file: file, line: layer.line, path: "\(layer.path).activation", problem: problem)
            }
            let dense = DenseLayer(inputs: inputs, units: units, weights: layer.weights.flatMap { $0 }, bias: layer.bias,
                                   activation: layer.activation)
            layers.append(FileLayer(dense, givesActivation: true))
        }
        return layers
    }

    /// The network of layers written inline in a pipeline file (`file`).
    static func network(_ written: [WrittenLayer], file: String) throws -> Network {
        ModelFile.network(try layers(written, file: file), activations: nil)
    }
}
