import Foundation

/// Walks the nodes that feed an ONNX graph's output, one chain from its input, and builds the
/// dense layers and input steps they compute:
///
/// - before the first layer: `Sub`, `Add`, `Mul`, `Div` of the input by constants, and the
///   `ai.onnx.ml` `Scaler` (`(x - offset) * scale`), as ``InputStep``s (a scaler);
/// - a layer: `Gemm` (transA 0; transB, alpha and beta applied) or `MatMul` then `Add` (the bias),
///   then a `BatchNormalization` in inference form folded into it (`W·γ/√(var+ε)`,
///   `(b − mean)·γ/√(var+ε) + β`), then its activation (``OnnxActivationPattern``);
/// - `Sigmoid`, then `Sub` from 1 and `Concat` of `[1 - p, p]` (a binary classifier's two
///   columns, as scikit-learn's `predict_proba`), as a last 1→2 layer;
/// - no-ops: `Identity`, `Dropout`, `Flatten` (axis 1), `Cast` to float or double, `Reshape`
///   to (N, k) after the first layer, and `ZipMap` (a classifier's probabilities as a
///   `{class: probability}` per row: written as one column per class, in the order of its classes); weights come from initializers or `Constant` nodes,
///   possibly through a `Transpose` or `Cast`.
struct OnnxChainBuilder {
    let nodes: [OnnxModel.Node]
    var constants: OnnxConstants
    /// Whether the graph's input is DOUBLE: its float attributes are then read as the decimals
    /// the exporter rounded to float32 (``OnnxModel/Node/float(_:default:doubleGraph:)``).
    let doubleGraph: Bool
    private var current: String
    private var steps: [InputStep] = []
    private var layers: [FileLayer] = []
    /// The layer whose linear part has run and whose activation has not been seen yet.
    private var open: FileLayer?
    private var index = 0
    /// Nodes already read as part of a pattern (the `[1-p, p]` columns).
    private var consumed: Set<Int> = []
    /// Which nodes read each value.
    private var readers: [String: [Int]] = [:]

    init(nodes: [OnnxModel.Node], input: String, constants: OnnxConstants, doubleGraph: Bool) {
        self.nodes = nodes
        self.doubleGraph = doubleGraph
        self.current = input
        self.constants = constants
        for (index, node) in nodes.enumerated() {
            for name in Set(node.inputs) { readers[name, default: []].append(index) }
            if node.opType == "Constant", let value = Self.constantValue(node), let name = node.outputs.first {
                self.constants.add(value, as: name)
            }
        }
    }

    mutating func build(output: String) throws(ModelError) -> (steps: [InputStep], layers: [FileLayer]) {
        while index < nodes.count {
            let node = nodes[index]
            index += 1
            if !consumed.contains(index - 1) { try step(node) }
        }
        close(.identity)
        guard current == output else {
            throw ModelError("the ONNX graph's output '\(output)' is not the end of the chain ('\(current)')")
        }
        guard !layers.isEmpty else { throw ModelError("the ONNX graph has no Gemm or MatMul layer before output '\(output)'") }
        return (steps, layers)
    }

    private mutating func close(_ activation: Activation) {
        if var layer = open {
            layer.activation = activation
            layers.append(layer)
            open = nil
        }
    }

    /// The width of the running value after the first layer, nil before it.
    private var width: Int? { open?.units ?? layers.last?.units }

    private mutating func step(_ node: OnnxModel.Node) throws(ModelError) {
        let known = node.domain.isEmpty || node.domain == "ai.onnx" || (node.domain == "ai.onnx.ml" && ["Scaler", "ZipMap"].contains(node.opType))
        guard known else { throw OnnxOperatorHints.refusal(node) }
        if node.opType == "Constant" {
            guard Self.constantValue(node) != nil, node.outputs.first != nil else {
                throw ModelError("\(node.label): only Constant nodes with a tensor, float or integer value are read")
            }
            return
        }
        // A node of constants only: a weight transposed or cast by the exporter.
        if !node.inputs.isEmpty, node.inputs.allSatisfy({ constants.contains($0) }), let name = node.outputs.first {
            switch node.opType {
            case "Transpose":
                constants.set(try Self.transposed(try constants.tensor(node.inputs[0], for: node), node: node), as: name)
                return
            case "Cast", "Identity":
                var tensor = try constants.tensor(node.inputs[0], for: node)
                tensor.name = name
                constants.set(tensor, as: name)
                return
            default:
                throw ModelError("\(node.label) computes from constants only, which nnpipe does not fold; nnpipe runs \(OnnxOperatorHints.supported)")
            }
        }
        guard node.inputs.contains(current) else {
            throw ModelError("\(node.label) does not take the previous node's output ('\(current)'); nnpipe runs graphs that are one chain of layers")
        }
        guard let next = node.outputs.first, !next.isEmpty else { throw ModelError("\(node.label) has no output") }
        if ["Sub", "Add", "Mul", "Div", "Scaler"].contains(node.opType), layers.isEmpty, open == nil {
            steps += try Self.inputSteps(node, current: current, constants: &constants)
            current = next
            return
        }
        switch node.opType {
        case "Gemm", "MatMul":
            close(.identity)
            open = try layer(node)
        case "Add" where open != nil && open?.biasTensor == nil && node.inputs.count == 2:
            try addBias(node)
        case "BatchNormalization" where open != nil:
            if let layer = open {
                open = try Self.folded(layer, by: node, current: current, constants: &constants, doubleGraph: doubleGraph)
            }
        case "Identity", "Dropout":
            break
        case "ZipMap":
            // skl2onnx's {class: probability} per row: the same numbers, one column per class in the order of classes.
            guard width != nil else { throw OnnxOperatorHints.refusal(node) }
        case "Cast":
            let to = node.attribute("to")?.int ?? 0
            guard to == 1 || to == 11 else {
                throw ModelError("\(node.label) casts to type \(to); nnpipe reads Cast to FLOAT (1) or DOUBLE (11) only, as a no-op")
            }
        case "Flatten":
            let axis = node.attribute("axis")?.int ?? 1
            guard axis == 1 || axis == -1 else {
                throw ModelError("\(node.label) has axis=\(axis); only Flatten with axis 1 (a no-op on rows) is read")
            }
        case "Reshape":
            try Self.checkReshape(node, width: width, current: current, constants: &constants)
        default:
            try activation(node)
            return
        }
        current = next
    }

    private mutating func layer(_ node: OnnxModel.Node) throws(ModelError) -> FileLayer {
        guard node.inputs.count >= 2, node.inputs[0] == current else {
            throw ModelError("\(node.label) needs the running value as input A and a weight as input B")
        }
        let weights = try constants.tensor(node.inputs[1], for: node)
        let name = node.name.isEmpty ? weights.name : node.name
        if node.opType == "MatMul" {
            guard node.inputs.count == 2 else { throw ModelError("\(node.label) needs two inputs") }
            return try FileLayer.from(weights: weights, bias: nil, transpose: false, name: name)
        }
        if let transA = node.attribute("transA")?.int, transA != 0 {
            throw ModelError("\(node.label) has transA=\(transA); nnpipe reads Gemm with transA=0 only")
        }
        let bias = node.inputs.count > 2 && !node.inputs[2].isEmpty ? try constants.tensor(node.inputs[2], for: node) : nil
        return try FileLayer.from(weights: weights, bias: bias, transpose: (node.attribute("transB")?.int ?? 0) != 0, name: name,
                                  scale: node.float("alpha", default: 1, doubleGraph: doubleGraph),
                                  biasScale: node.float("beta", default: 1, doubleGraph: doubleGraph))
    }

    private mutating func addBias(_ node: OnnxModel.Node) throws(ModelError) {
        guard var layer = open else { return }
        let other = node.inputs[0] == current ? node.inputs[1] : node.inputs[0]
        let bias = try constants.tensor(other, for: node)
        let values = try FileLayer.biasVector(bias, units: layer.units, weights: layer.weightsTensor ?? "", transposed: layer.transposed)
        for u in 0..<layer.units { layer.dense.bias[u] += values[u] }
        layer.biasTensor = bias.name
        open = layer
    }

    /// An activation: one operator, the `[1-p, p]` pattern, or a run of elementwise nodes.
    private mutating func activation(_ node: OnnxModel.Node) throws(ModelError) {
        let isElementwise = OnnxActivationPattern.elementwise.contains(node.opType)
        let single = try OnnxActivationPattern.single(node, constants: &constants, doubleGraph: doubleGraph)
        guard isElementwise || single != nil else { throw OnnxOperatorHints.refusal(node) }
        guard let layer = open else {
            throw ModelError("\(node.label) does not follow a Gemm or MatMul layer; nnpipe layers have one activation each")
        }
        if node.opType == "Sigmoid", layer.units == 1, let (sub, concat) = try complementPattern(node) {
            close(.sigmoid)
            let complement = DenseLayer(inputs: 1, units: 2, weights: [-1, 1], bias: [1, 0], activation: .identity,
                                        name: "\(node.outputs[0]) as [1-p, p]")
            layers.append(FileLayer(complement, givesActivation: true,
                                    weightsTensor: "[1-p, p] from \(nodes[sub].label) and \(nodes[concat].label)"))
            current = nodes[concat].outputs[0]
            consumed.formUnion([sub, concat])
            return
        }
        guard isElementwise else {
            close(single ?? .identity)
            current = node.outputs[0]
            return
        }
        // The run: this node and those after it that compute only from it and constants.
        var run = [node]
        var runIndices: Set<Int> = [index - 1]
        var values: Set<String> = [current, node.outputs[0]]
        while index < nodes.count {
            let next = nodes[index]
            if next.opType == "Constant" {
                // registered up front
            } else if OnnxActivationPattern.elementwise.contains(next.opType), next.domain.isEmpty,
                      next.inputs.allSatisfy({ values.contains($0) || constants.contains($0) || ($0.isEmpty && next.opType == "Clip") }), let out = next.outputs.first {
                run.append(next)
                runIndices.insert(index)
                values.insert(out)
            } else {
                break
            }
            index += 1
        }
        // Only the run's last value may be read after it.
        let last = run[run.count - 1]
        if values.subtracting([last.outputs[0]]).contains(where: { value in (readers[value] ?? []).contains { !runIndices.contains($0) } }) {
            throw ModelError("\(last.label): the values between '\(current)' and '\(last.outputs[0])' are read by nodes outside an activation; nnpipe runs graphs that are one chain of layers")
        }
        close(try OnnxActivationPattern.recognise(run, input: current, constants: &constants, doubleGraph: doubleGraph))
        current = run[run.count - 1].outputs[0]
    }

    /// The `Sub(1, p)` and `Concat([1 - p, p], axis 1)` nodes after Sigmoid `node`, if they are all that reads p.
    private mutating func complementPattern(_ node: OnnxModel.Node) throws(ModelError) -> (Int, Int)? {
        let p = node.outputs[0]
        let reading = readers[p] ?? []
        guard reading.count == 2,
              let sub = reading.first(where: { nodes[$0].opType == "Sub" }),
              let concat = reading.first(where: { nodes[$0].opType == "Concat" }),
              nodes[sub].inputs.count == 2, nodes[sub].inputs[1] == p,
              try constants.scalar(nodes[sub].inputs[0], for: nodes[sub]) == 1,
              let q = nodes[sub].outputs.first, nodes[concat].inputs == [q, p],
              [1, -1].contains(nodes[concat].attribute("axis")?.int ?? 1),
              readers[q] == [concat] else { return nil }
        return (sub, concat)
    }
}
