import Foundation

/// Builds a ``Network`` from a JSON model file or from layers written inline in a pipeline file.
///
/// Both have the same shape:
/// ```json
/// {"layers": [{"weights": [[1, -3, 5], [2, 4, -6]], "bias": [-1, 1, 2], "activation": "sigmoid"}]}
/// ```
/// `weights` is inputs × units (numpy's `x @ W + b` convention), `bias` has one value per unit.
/// Every shape is checked before a row is read.
public enum ModelLoader {
    /// One layer as written, before its shapes are checked.
    struct RawLayer {
        var weights: [[Double]]
        var bias: [Double]
        var activation: Activation
        /// Where the layer was written, for messages (`layers[1]`).
        var path: String
        var line: Int?
    }

    /// Loads a JSON model file.
    public static func load(jsonFile path: String, displayName: String? = nil) throws -> Network {
        let name = displayName ?? path
        guard let data = FileManager.default.contents(atPath: path) else {
            let exists = FileManager.default.fileExists(atPath: path)
            throw ModelError(file: name, problem: exists ? "cannot read the model file" : "model file not found")
        }
        return try load(jsonBytes: [UInt8](data), name: name)
    }

    /// Loads a JSON model from its bytes; `name` is the file for messages.
    public static func load(jsonBytes: [UInt8], name: String) throws -> Network {
        let root: JSONValue
        do {
            root = try JSONValue.parse(jsonBytes)
        } catch {
            throw ModelError(file: "\(name):\(error.line):\(error.column)", problem: "not valid JSON: \(error.problem)")
        }
        guard case .object(let members) = root else {
            throw ModelError(file: name, problem: "expected a JSON object with a \"layers\" list, found \(root.kindName)")
        }
        if let unknown = members.first(where: { $0.key != "layers" }) {
            throw ModelError(file: name, path: unknown.key, problem: "unknown key; a model has only \"layers\"")
        }
        guard let layersValue = members.first(where: { $0.key == "layers" })?.value, case .array(let layers) = layersValue else {
            throw ModelError(file: name, path: "layers", problem: "missing or not a list")
        }
        var raw: [RawLayer] = []
        for (index, element) in layers.enumerated() {
            raw.append(try rawLayer(element, path: "layers[\(index)]", file: name))
        }
        return try network(from: raw, file: name)
    }

    private static func rawLayer(_ element: JSONValue, path: String, file: String) throws -> RawLayer {
        guard case .object(let members) = element else {
            throw ModelError(file: file, path: path, problem: "expected an object with weights, bias and activation")
        }
        var layer: [String: JSONValue] = [:]
        for (key, value) in members {
            guard ["weights", "bias", "activation"].contains(key) else {
                throw ModelError(file: file, path: "\(path).\(key)", problem: "unknown key; a layer has weights, bias and activation")
            }
            layer[key] = value
        }
        guard case .array(let rows)? = layer["weights"] else {
            throw ModelError(file: file, path: "\(path).weights", problem: "missing or not a list of rows")
        }
        var weights: [[Double]] = []
        weights.reserveCapacity(rows.count)
        for (r, row) in rows.enumerated() {
            weights.append(try numbers(row, path: "\(path).weights[\(r)]", file: file))
        }
        guard let biasValue = layer["bias"] else {
            throw ModelError(file: file, path: "\(path).bias", problem: "missing (one value per unit)")
        }
        let bias = try numbers(biasValue, path: "\(path).bias", file: file)
        guard case .string(let name)? = layer["activation"] else {
            throw ModelError(file: file, path: "\(path).activation", problem: "missing or not a name")
        }
        guard let activation = Activation.named(name) else {
            throw ModelError(file: file, path: "\(path).activation",
                             problem: "unknown activation '\(name)'; known: \(Activation.knownNames)")
        }
        return RawLayer(weights: weights, bias: bias, activation: activation, path: path)
    }

    private static func numbers(_ value: JSONValue, path: String, file: String) throws -> [Double] {
        guard case .array(let elements) = value else {
            throw ModelError(file: file, path: path, problem: "expected a list of numbers, found \(value.kindName)")
        }
        var result: [Double] = []
        result.reserveCapacity(elements.count)
        for (i, element) in elements.enumerated() {
            guard case .number(let number) = element else {
                throw ModelError(file: file, path: "\(path)[\(i)]", problem: "expected a number, found \(element.kindName)")
            }
            result.append(number)
        }
        return result
    }

    /// Checks the shapes of the layers and builds the network.
    static func network(from raw: [RawLayer], file: String) throws -> Network {
        guard !raw.isEmpty else {
            throw ModelError(file: file, path: "layers", problem: "a model needs at least one layer")
        }
        var layers: [DenseLayer] = []
        for layer in raw {
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
            layers.append(DenseLayer(inputs: inputs, units: units, weights: layer.weights.flatMap { $0 },
                                     bias: layer.bias, activation: layer.activation))
        }
        return Network(layers: layers)
    }
}
