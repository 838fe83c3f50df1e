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
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw ModelError(file: name, problem: "not valid JSON: \(jsonProblem(error, data: data))")
        }
        guard let root = object as? [String: Any] else {
            throw ModelError(file: name, problem: "expected a JSON object with a \"layers\" list")
        }
        let unknown = root.keys.filter { $0 != "layers" }.sorted()
        if let key = unknown.first {
            throw ModelError(file: name, path: key, problem: "unknown key; a model has only \"layers\"")
        }
        guard let layers = root["layers"] as? [Any] else {
            throw ModelError(file: name, path: "layers", problem: "missing or not a list")
        }
        var raw: [RawLayer] = []
        for (index, element) in layers.enumerated() {
            raw.append(try rawLayer(element, path: "layers[\(index)]", file: name))
        }
        return try network(from: raw, file: name)
    }

    private static func rawLayer(_ element: Any, path: String, file: String) throws -> RawLayer {
        guard let layer = element as? [String: Any] else {
            throw ModelError(file: file, path: path, problem: "expected an object with weights, bias and activation")
        }
        for key in layer.keys.sorted() where !["weights", "bias", "activation"].contains(key) {
            throw ModelError(file: file, path: "\(path).\(key)", problem: "unknown key; a layer has weights, bias and activation")
        }
        guard let rows = layer["weights"] as? [Any] else {
            throw ModelError(file: file, path: "\(path).weights", problem: "missing or not a list of rows")
        }
        var weights: [[Double]] = []
        for (r, row) in rows.enumerated() {
            guard let values = row as? [Any] else {
                throw ModelError(file: file, path: "\(path).weights[\(r)]", problem: "expected a list of numbers")
            }
            weights.append(try numbers(values, path: "\(path).weights[\(r)]", file: file))
        }
        guard let biasValues = layer["bias"] as? [Any] else {
            throw ModelError(file: file, path: "\(path).bias", problem: "missing or not a list of numbers")
        }
        let bias = try numbers(biasValues, path: "\(path).bias", file: file)
        guard let name = layer["activation"] as? String else {
            throw ModelError(file: file, path: "\(path).activation", problem: "missing or not a name")
        }
        guard let activation = Activation.named(name) else {
            throw ModelError(file: file, path: "\(path).activation",
                             problem: "unknown activation '\(name)'; known: \(Activation.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return RawLayer(weights: weights, bias: bias, activation: activation, path: path)
    }

    private static func numbers(_ values: [Any], path: String, file: String) throws -> [Double] {
        var result: [Double] = []
        result.reserveCapacity(values.count)
        for (i, value) in values.enumerated() {
            // JSONSerialization gives NSNumber for numbers, and for true/false (type code "c"), which are refused.
            guard let number = value as? NSNumber, String(cString: number.objCType) != "c" else {
                throw ModelError(file: file, path: "\(path)[\(i)]", problem: "expected a number")
            }
            let double = number.doubleValue
            guard double.isFinite else {
                throw ModelError(file: file, path: "\(path)[\(i)]", problem: "not a finite number")
            }
            result.append(double)
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

    /// Foundation's parse error, reduced to its own words (which name the line and column).
    private static func jsonProblem(_ error: Error, data: Data) -> String {
        let nsError = error as NSError
        if let detail = nsError.userInfo[NSDebugDescriptionErrorKey] as? String { return detail }
        return nsError.localizedDescription
    }
}
