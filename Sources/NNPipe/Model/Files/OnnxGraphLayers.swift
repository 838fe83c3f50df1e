/// Turns an ONNX graph that is a chain of dense layers into ``FileLayer``s.
///
/// The graph must be one path from its single input to its single output. A layer starts at
/// `Gemm` (transA 0; transB, alpha and beta applied to the weights) or `MatMul` (followed by an
/// `Add` of the bias), and ends at its activation: `Relu`, `Sigmoid`, `Tanh`, `Softmax` and
/// `LogSoftmax` (last axis), `LeakyRelu`, `Elu`, `Gelu` (exact or tanh), `Softplus`, or
/// `Sigmoid` then `Mul` by the layer's own output (SiLU). A layer with no activation before the
/// next layer or the output is linear. `Identity`, `Dropout` (inference) and `Flatten` (axis 1,
/// a no-op on rows) pass values through. Weights come from initializers or `Constant` nodes,
/// possibly through a `Transpose`.
/// Any other operator is a problem naming it and its node.
enum OnnxGraphLayers {
    static let supportedOperators = "Gemm, MatMul, Add, Relu, Sigmoid, Tanh, Softmax, LogSoftmax, LeakyRelu, Elu, Gelu, Softplus, Sigmoid+Mul (SiLU), Identity, Dropout, Flatten, Constant, Transpose (of a weight)"

    static func layers(_ model: OnnxModel) throws(ModelFileProblem) -> [FileLayer] {
        var constants: [String: Tensor] = [:]
        for tensor in model.initializers { constants[tensor.name] = tensor }
        let graphInputs = model.inputs.filter { constants[$0] == nil }
        guard graphInputs.count == 1, let input = graphInputs.first else {
            throw ModelFileProblem("the ONNX graph has \(graphInputs.count) inputs (besides its weights); nnpipe runs graphs with one input")
        }
        guard model.outputs.count == 1, let output = model.outputs.first else {
            throw ModelFileProblem("the ONNX graph has \(model.outputs.count) outputs; nnpipe runs graphs with one output")
        }
        var current = input
        var layers: [FileLayer] = []
        /// The layer whose linear part has run and whose activation has not been seen yet.
        var open: FileLayer?
        func close(_ activation: Activation) {
            if var layer = open {
                layer.activation = activation
                layers.append(layer)
                open = nil
            }
        }
        func constant(_ name: String, for node: OnnxModel.Node) throws(ModelFileProblem) -> Tensor {
            guard let tensor = constants[name] else {
                throw ModelFileProblem("\(node.label): input '\(name)' is not a weight (an initializer or Constant); nnpipe runs chains of dense layers only")
            }
            return tensor
        }

        var index = 0
        let nodes = model.nodes
        while index < nodes.count {
            let node = nodes[index]
            index += 1
            guard node.domain.isEmpty || node.domain == "ai.onnx" else {
                throw ModelFileProblem("\(node.label): operator domain '\(node.domain)' is not supported; nnpipe runs \(supportedOperators)")
            }
            if node.opType == "Constant" {
                guard let tensor = node.attribute("value")?.tensor, let name = node.outputs.first else {
                    throw ModelFileProblem("\(node.label): only Constant nodes with a tensor value are read")
                }
                constants[name] = Tensor(name: name, shape: tensor.shape, dtype: tensor.dtype, values: tensor.values)
                continue
            }
            // A Transpose of a weight (the exporter's `MatMul(x, Transpose(W))`) is a transposed weight.
            if node.opType == "Transpose", let source = node.inputs.first, let tensor = constants[source], let name = node.outputs.first {
                constants[name] = try transposed(tensor, perm: node.attribute("perm")?.ints, node: node)
                continue
            }
            // Every other node continues the chain: its first data input is the running value.
            guard let first = node.inputs.first, first == current || (node.opType == "Add" && node.inputs.contains(current)) else {
                throw ModelFileProblem("\(node.label) does not take the previous node's output ('\(current)'); nnpipe runs graphs that are one chain of layers")
            }
            guard node.outputs.count >= 1 else { throw ModelFileProblem("\(node.label) has no output") }
            let next = node.outputs[0]
            switch node.opType {
            case "Gemm":
                close(.identity)
                guard node.inputs.count >= 2 else { throw ModelFileProblem("\(node.label) needs inputs A and B") }
                if let transA = node.attribute("transA")?.int, transA != 0 {
                    throw ModelFileProblem("\(node.label) has transA=\(transA); nnpipe reads Gemm with transA=0 only")
                }
                let transB = (node.attribute("transB")?.int ?? 0) != 0
                let alpha = node.attribute("alpha")?.float ?? 1
                let beta = node.attribute("beta")?.float ?? 1
                let weights = try constant(node.inputs[1], for: node)
                let bias = node.inputs.count > 2 && !node.inputs[2].isEmpty ? try constant(node.inputs[2], for: node) : nil
                open = try FileLayer.from(weights: weights, bias: bias, transpose: transB, name: layerName(node, weights),
                                          scale: alpha, biasScale: beta)
            case "MatMul":
                close(.identity)
                guard node.inputs.count == 2 else { throw ModelFileProblem("\(node.label) needs two inputs") }
                let weights = try constant(node.inputs[1], for: node)
                open = try FileLayer.from(weights: weights, bias: nil, transpose: false, name: layerName(node, weights))
            case "Add":
                guard node.inputs.count == 2, var layer = open, layer.biasTensor == nil else {
                    throw ModelFileProblem("\(node.label) does not add a bias right after a MatMul or Gemm; nnpipe runs chains of dense layers only")
                }
                let other = node.inputs[0] == current ? node.inputs[1] : node.inputs[0]
                let bias = try constant(other, for: node)
                let values = try FileLayer.biasVector(bias, units: layer.units, weights: layer.weightsTensor ?? "", transposed: layer.transposed)
                for u in 0..<layer.units { layer.bias[u] += values[u] }
                layer.biasTensor = bias.name
                open = layer
            case "Identity", "Dropout":
                break
            case "Flatten":
                let axis = node.attribute("axis")?.int ?? 1
                guard axis == 1 || axis == -1 else {
                    throw ModelFileProblem("\(node.label) has axis=\(axis); only Flatten with axis 1 (a no-op on rows) is read")
                }
            default:
                let (activation, skip) = try activation(node, at: index, in: nodes, current: current)
                guard open != nil else {
                    throw ModelFileProblem("\(node.label) does not follow a Gemm or MatMul layer; nnpipe layers have one activation each")
                }
                close(activation)
                if skip {
                    current = nodes[index].outputs.first ?? next
                    index += 1
                    continue
                }
            }
            current = next
        }
        close(.identity)
        guard current == output else {
            throw ModelFileProblem("the ONNX graph's output '\(output)' is not the end of the chain ('\(current)')")
        }
        guard !layers.isEmpty else { throw ModelFileProblem("the ONNX graph has no Gemm or MatMul layer") }
        return layers
    }

    /// A 2-D weight with its axes swapped (`perm` absent or [1, 0]).
    private static func transposed(_ tensor: Tensor, perm: [Int64]?, node: OnnxModel.Node) throws(ModelFileProblem) -> Tensor {
        guard tensor.shape.count == 2, perm == nil || perm! == [] || perm! == [1, 0] else {
            throw ModelFileProblem("\(node.label) transposes '\(tensor.name)' (shape \(tensor.shapeText)) other than as a 2-D matrix")
        }
        let (rows, columns) = (tensor.shape[0], tensor.shape[1])
        var values = tensor.values
        for r in 0..<rows { for c in 0..<columns { values[c * rows + r] = tensor.values[r * columns + c] } }
        return Tensor(name: tensor.name, shape: [columns, rows], dtype: tensor.dtype, values: values)
    }

    private static func layerName(_ node: OnnxModel.Node, _ weights: Tensor) -> String {
        node.name.isEmpty ? weights.name : node.name
    }

    /// The activation `node` applies, and whether the node after it is consumed too (SiLU's Mul).
    private static func activation(_ node: OnnxModel.Node, at next: Int, in nodes: [OnnxModel.Node], current: String)
        throws(ModelFileProblem) -> (Activation, Bool)
    {
        switch node.opType {
        case "Relu": return (.relu, false)
        case "Tanh": return (.tanh, false)
        case "Softplus": return (.softplus, false)
        case "Sigmoid":
            if next < nodes.count, nodes[next].opType == "Mul", let out = node.outputs.first,
               Set(nodes[next].inputs) == Set([current, out]) {
                return (.silu, true)
            }
            return (.sigmoid, false)
        case "Softmax", "LogSoftmax":
            let axis = node.attribute("axis")?.int ?? -1
            guard axis == -1 || axis == 1 else {
                throw ModelFileProblem("\(node.label) has axis=\(axis); nnpipe applies \(node.opType) over each row (axis -1 or 1)")
            }
            return (node.opType == "Softmax" ? .softmax : .logSoftmax, false)
        case "LeakyRelu": return (.leakyRelu(slope: node.attribute("alpha")?.float ?? 0.01), false)
        case "Elu": return (.elu(alpha: node.attribute("alpha")?.float ?? 1), false)
        case "Gelu":
            switch node.attribute("approximate")?.string ?? "none" {
            case "none": return (.gelu, false)
            case "tanh": return (.geluTanh, false)
            case let other: throw ModelFileProblem("\(node.label) has approximate='\(other)'; nnpipe reads 'none' and 'tanh'")
            }
        default:
            throw ModelFileProblem("\(node.label): operator '\(node.opType)' is not supported; nnpipe runs \(supportedOperators)")
        }
    }
}
