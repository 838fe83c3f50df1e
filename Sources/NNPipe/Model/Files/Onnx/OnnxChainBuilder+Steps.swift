/// The steps of ``OnnxChainBuilder`` that read one node: constants, scalers, BatchNormalization
/// folding, Reshape checks and transposed weights.
extension OnnxChainBuilder {
    /// A `Constant` node's value: a tensor, or one of the `value_float(s)`/`value_int(s)` forms.
    static func constantValue(_ node: OnnxModel.Node) -> OnnxTensor? {
        if let tensor = node.attribute("value")?.tensor { return tensor }
        var tensor = OnnxTensor()
        if let value = node.attribute("value_float")?.float {
            (tensor.dataType, tensor.typed) = (1, [value])
        } else if let values = node.attribute("value_floats")?.floats, node.attribute("value_floats") != nil {
            (tensor.dataType, tensor.typed, tensor.dims) = (1, values, [Int64(values.count)])
        } else if let value = node.attribute("value_int")?.int {
            (tensor.dataType, tensor.integers) = (7, [value])
        } else if let values = node.attribute("value_ints")?.ints, node.attribute("value_ints") != nil {
            (tensor.dataType, tensor.integers, tensor.dims) = (7, values, [Int64(values.count)])
        } else {
            return nil
        }
        return tensor
    }

    /// `Sub`/`Add`/`Mul`/`Div` of the input by a constant, or `Scaler`, before the first layer.
    static func inputSteps(_ node: OnnxModel.Node, current: String, constants: inout OnnxConstants) throws(ModelError) -> [InputStep] {
        if node.opType == "Scaler" {
            let offset = node.attribute("offset")?.floats ?? [0], scale = node.attribute("scale")?.floats ?? [1]
            guard !offset.isEmpty, !scale.isEmpty else { throw ModelError("\(node.label) has an empty offset or scale") }
            return [InputStep(operation: .subtract, values: offset, source: node.label),
                    InputStep(operation: .multiply, values: scale, source: node.label)]
        }
        guard node.inputs.count == 2, node.inputs[0] == current || node.opType == "Add" || node.opType == "Mul" else {
            throw ModelError("\(node.label) computes a constant \(node.opType == "Sub" ? "minus" : "divided by") the input; nnpipe reads the input \(node.opType == "Sub" ? "minus" : "divided by") a constant (a scaler)")
        }
        let other = node.inputs[0] == current ? node.inputs[1] : node.inputs[0]
        guard other != current, constants.contains(other) else {
            throw ModelError("\(node.label) before the first layer does not scale the input by a constant; nnpipe reads scalers written as Sub/Div by constant vectors")
        }
        let tensor = try constants.tensor(other, for: node)
        guard tensor.shape.count <= 1 || (tensor.shape.count == 2 && tensor.shape[0] == 1), !tensor.values.isEmpty else {
            throw ModelError("\(node.label): constant '\(tensor.name)' has shape \(tensor.shapeText); a scaler's constants have one value per input column")
        }
        let operation: InputStep.Operation = ["Sub": .subtract, "Add": .add, "Mul": .multiply][node.opType] ?? .divide
        return [InputStep(operation: operation, values: tensor.values, source: node.label)]
    }

    /// `layer` with BatchNormalization `node` folded into it.
    static func folded(_ layer: FileLayer, by node: OnnxModel.Node, current: String, constants: inout OnnxConstants,
                       doubleGraph: Bool) throws(ModelError) -> FileLayer
    {
        var layer = layer
        guard node.inputs.count == 5, node.inputs[0] == current else {
            throw ModelError("\(node.label) needs the layer's value and four parameters (scale, B, mean, var)")
        }
        if (node.attribute("training_mode")?.int ?? 0) != 0 || node.outputs.count > 1 {
            throw ModelError("\(node.label) is in training mode; \(OnnxOperatorHints.hint(for: "Dropout") ?? "")")
        }
        var parameters: [[Double]] = []
        for name in node.inputs.dropFirst() {
            let tensor = try constants.tensor(name, for: node)
            guard tensor.values.count == layer.units, tensor.shape.count == 1 else {
                throw ModelError("\(node.label): '\(name)' has shape \(tensor.shapeText) but the layer before has \(layer.units) units")
            }
            parameters.append(tensor.values)
        }
        // ONNX stores epsilon as float32; a float64 graph's exporter wrote the shortest decimal that rounds to it (1e-05).
        let epsilon = node.float("epsilon", default: 1e-5, doubleGraph: doubleGraph)
        let (gamma, beta, mean, variance) = (parameters[0], parameters[1], parameters[2], parameters[3])
        for u in 0..<layer.units {
            let factor = gamma[u] / (variance[u] + epsilon).squareRoot()
            for i in 0..<layer.inputs { layer.dense.weights[i * layer.units + u] *= factor }
            layer.dense.bias[u] = (layer.dense.bias[u] - mean[u]) * factor + beta[u]
        }
        layer.dense.name = layer.name.map { "\($0)+\(node.name.isEmpty ? "BatchNormalization" : node.name)" }
        return layer
    }

    /// Checks that Reshape `node` only restates rows of `width` values (nil: before the first layer).
    static func checkReshape(_ node: OnnxModel.Node, width: Int?, current: String, constants: inout OnnxConstants) throws(ModelError) {
        guard let width, node.inputs.count == 2, node.inputs[0] == current else {
            throw ModelError("\(node.label): nnpipe reads Reshape only after the first layer, to (N, k) (a no-op on rows)")
        }
        let shape = try constants.tensor(node.inputs[1], for: node, allowIntegers: true).values
        guard shape.count == 2, shape[0] == -1 || shape[0] == 0, shape[1] == -1 || shape[1] == Double(width) else {
            throw ModelError("\(node.label) reshapes the rows of \(width) values to [\(shape.map { String(Int($0)) }.joined(separator: ", "))]; nnpipe reads Reshape to (N, \(width)) only (a no-op)")
        }
    }

    /// A 2-D weight with its axes swapped (`perm` absent or [1, 0]).
    static func transposed(_ tensor: Tensor, node: OnnxModel.Node) throws(ModelError) -> Tensor {
        let perm = node.attribute("perm")?.ints ?? []
        guard tensor.shape.count == 2, perm == [] || perm == [1, 0] else {
            throw ModelError("\(node.label) transposes '\(tensor.name)' (shape \(tensor.shapeText)) other than as a 2-D matrix")
        }
        let (rows, columns) = (tensor.shape[0], tensor.shape[1])
        var values = tensor.values
        for r in 0..<rows { for c in 0..<columns { values[c * rows + r] = tensor.values[r * columns + c] } }
        return Tensor(name: tensor.name, shape: [columns, rows], dtype: tensor.dtype, values: values)
    }
}
