/// The reader of nnpipe's own JSON model files:
/// ```json
/// {"layers": [{"weights": [[1, -3, 5], [2, 4, -6]], "bias": [-1, 1, 2], "activation": "sigmoid"}]}
/// ```
/// Each layer is a ``WrittenLayer``, its shapes checked there, with its activation; each layer's
/// weights and bias are listed as tensors `layers[0].weights`, `layers[0].bias`, ….
enum JSONModelFile {
    /// The tensors and layers of the JSON model `bytes`; `name` is the file for messages.
    static func read(_ bytes: [UInt8], name: String) throws(ModelError) -> (tensors: [Tensor], layers: [FileLayer]) {
        var tensors: [Tensor] = []
        var layers: [FileLayer] = []
        for (index, var layer) in try WrittenLayer.layers(written(bytes, name: name), file: name).enumerated() {
            let weights = "layers[\(index)].weights", bias = "layers[\(index)].bias"
            tensors.append(Tensor(name: weights, shape: [layer.inputs, layer.units], dtype: "number", values: layer.dense.weights))
            tensors.append(Tensor(name: bias, shape: [layer.units], dtype: "number", values: layer.dense.bias))
            layer.weightsTensor = weights
            layer.biasTensor = bias
            layers.append(layer)
        }
        return (tensors, layers)
    }

    /// The layers as written, before their shapes are checked.
    static func written(_ bytes: [UInt8], name: String) throws(ModelError) -> [WrittenLayer] {
        let root = try FileContents.json(bytes, name: name)
        guard case .object(let members) = root else {
            throw ModelError(file: name, problem: "expected a JSON object with a \"layers\" list, found \(root.kindName)")
        }
        if let unknown = members.first(where: { $0.key != "layers" }) {
            throw ModelError(file: name, path: unknown.key, problem: "unknown key; a model has only \"layers\"")
        }
        guard let layersValue = members.first(where: { $0.key == "layers" })?.value, case .array(let layers) = layersValue else {
            throw ModelError(file: name, path: "layers", problem: "missing or not a list")
        }
        var written: [WrittenLayer] = []
        for (index, element) in layers.enumerated() {
            written.append(try layer(element, path: "layers[\(index)]", file: name))
        }
        return written
    }

    private static func layer(_ element: JSONValue, path: String, file: String) throws(ModelError) -> WrittenLayer {
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
        return WrittenLayer(weights: weights, bias: bias, activation: activation, path: path)
    }

    private static func numbers(_ value: JSONValue, path: String, file: String) throws(ModelError) -> [Double] {
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
}
