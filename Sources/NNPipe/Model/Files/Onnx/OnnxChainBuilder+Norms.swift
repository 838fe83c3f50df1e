/// The steps of ``OnnxChainBuilder`` for a layer normalization after a layer (the
/// `LayerNormalization` operator, or the nodes PyTorch's TorchScript exporter writes for it
/// below opset 17) and for `PRelu`, a learned slope per unit or one for all.
extension OnnxChainBuilder {
    /// `layer` with LayerNormalization `node` (over the last axis) between its bias and its activation.
    mutating func layerNormalized(_ layer: FileLayer, by node: OnnxModel.Node) throws(ModelError) -> FileLayer {
        guard node.inputs.count >= 2, node.inputs[0] == current else {
            throw ModelError("\(node.label) needs the layer's value and a scale")
        }
        let axis = node.attribute("axis")?.int ?? -1
        guard axis == -1 || axis == 1 else {
            throw ModelError("\(node.label) has axis=\(axis); nnpipe reads a LayerNormalization over each row (axis -1 or 1)")
        }
        // Mean and InvStdDev, the optional outputs, must not be read.
        if node.outputs.dropFirst().contains(where: { !$0.isEmpty && !(readers[$0] ?? []).isEmpty }) {
            throw ModelError("\(node.label): its Mean or InvStdDev output is read by other nodes; nnpipe runs graphs that are one chain of layers")
        }
        let gain = try Self.perUnit(node.inputs[1], of: layer, node: node, constants: &constants)
        let bias = node.inputs.count > 2 && !node.inputs[2].isEmpty
            ? try Self.perUnit(node.inputs[2], of: layer, node: node, constants: &constants) : [Double](repeating: 0, count: layer.units)
        // ONNX stores epsilon as float32; a float64 graph's exporter wrote the shortest decimal that rounds to it (1e-05).
        let epsilon = node.float("epsilon", default: 1e-5, doubleGraph: doubleGraph)
        return Self.normalized(layer, epsilon: epsilon, gain: gain, bias: bias, source: node.label)
    }

    /// The layer norm PyTorch writes out below opset 17, from its first node, ReduceMean at
    /// `start`: `ReduceMean(x) → m`, `Sub(x, m) → d`, `Pow(d, 2) → p`, `ReduceMean(p) → v`,
    /// `Add(v, eps) → e`, `Sqrt(e) → s`, `Div(d, s) → n`, then `Mul(n, gain)` and `Add(…, bias)`
    /// when it has them. Returns the layer with it, the nodes read and the last value; nil when
    /// the nodes from `start` are not that.
    mutating func decomposedLayerNorm(_ layer: FileLayer, start: Int) throws(ModelError) -> (FileLayer, Set<Int>, String)? {
        var used: Set<Int> = []
        /// The only node reading `value`, when it is an `op` that also reads `other` (a value or nil: a constant).
        func next(_ value: String, _ op: String) -> (node: OnnxModel.Node, index: Int)? {
            guard let reading = readers[value], reading.count == 1, nodes[reading[0]].opType == op,
                  let output = nodes[reading[0]].outputs.first, !output.isEmpty else { return nil }
            used.insert(reading[0])
            return (nodes[reading[0]], reading[0])
        }
        func isRowMean(_ node: OnnxModel.Node) throws(ModelError) -> Bool {
            var axes = node.attribute("axes")?.ints ?? []
            if node.inputs.count > 1, !node.inputs[1].isEmpty {
                axes = try constants.tensor(node.inputs[1], for: node, allowIntegers: true).values.map { Int64($0) }
            }
            return (node.attribute("keepdims")?.int ?? 1) == 1 && (axes == [-1] || axes == [1])
        }
        let mean = nodes[start]
        guard mean.opType == "ReduceMean", mean.inputs.first == current, try isRowMean(mean),
              let readingX = readers[current], readingX.count == 2 else { return nil }
        used.insert(start)
        let m = mean.outputs[0]
        guard let sub = next(m, "Sub"), sub.node.inputs == [current, m], readingX.contains(sub.index) else { return nil }
        let d = sub.node.outputs[0]
        guard let dReaders = readers[d], dReaders.count == 2,
              let powIndex = dReaders.first(where: { nodes[$0].opType == "Pow" }),
              let divIndex = dReaders.first(where: { nodes[$0].opType == "Div" }) else { return nil }
        let pow = nodes[powIndex], div = nodes[divIndex]
        used.formUnion([powIndex, divIndex])
        guard pow.inputs.count == 2, pow.inputs[0] == d, try constants.scalar(pow.inputs[1], for: pow) == 2,
              let variance = next(pow.outputs[0], "ReduceMean"), try isRowMean(variance.node),
              let add = next(variance.node.outputs[0], "Add"), add.node.inputs.count == 2, add.node.inputs[0] == variance.node.outputs[0],
              let epsilon = try constants.scalar(add.node.inputs[1], for: add.node), epsilon > 0,
              let sqrt = next(add.node.outputs[0], "Sqrt"), div.inputs == [d, sqrt.node.outputs[0]],
              readers[sqrt.node.outputs[0]]?.count == 1 else { return nil }
        var last = div.outputs[0]
        var gain = [Double](repeating: 1, count: layer.units), bias = [Double](repeating: 0, count: layer.units)
        if let mul = next(last, "Mul"), mul.node.inputs.count == 2, mul.node.inputs[0] == last {
            gain = try Self.perUnit(mul.node.inputs[1], of: layer, node: mul.node, constants: &constants)
            last = mul.node.outputs[0]
            if let shift = next(last, "Add"), shift.node.inputs.count == 2, shift.node.inputs[0] == last,
               constants.contains(shift.node.inputs[1]) {
                bias = try Self.perUnit(shift.node.inputs[1], of: layer, node: shift.node, constants: &constants)
                last = shift.node.outputs[0]
            } else {
                used.remove(readers[last]?.first ?? -1)
            }
        } else {
            used.remove(readers[last]?.first ?? -1)
        }
        let source = "\(mean.label) to \(nodes[used.max() ?? start].label) (a layer norm written out)"
        return (Self.normalized(layer, epsilon: epsilon, gain: gain, bias: bias, source: source), used, last)
    }

    /// The activation of PRelu `node` after a layer of `units` units: its slope (a constant of
    /// shape (), (1,), (k,), (1, 1) or (1, k)) broadcast over each row.
    mutating func prelu(_ node: OnnxModel.Node, units: Int) throws(ModelError) -> Activation {
        guard node.inputs.count == 2, node.inputs[0] == current else {
            throw ModelError("\(node.label) needs the layer's value and a slope")
        }
        let slope = try constants.tensor(node.inputs[1], for: node)
        try FileLayer.checkFinite(slope)
        let leading = slope.shape.dropLast()
        guard slope.shape.count <= 2, leading.allSatisfy({ $0 == 1 }), slope.values.count == 1 || slope.values.count == units else {
            throw ModelError("\(node.label): slope '\(slope.name)' has shape \(slope.shapeText) but the layer before has \(units) units; nnpipe reads a slope of shape (1,) or (\(units),) (one per unit)")
        }
        return .prelu(slopes: slope.values)
    }

    /// The values of constant `name` for one value per unit of `layer` ((k,) or (1, k)).
    private static func perUnit(_ name: String, of layer: FileLayer, node: OnnxModel.Node,
                                constants: inout OnnxConstants) throws(ModelError) -> [Double] {
        let tensor = try constants.tensor(name, for: node)
        try FileLayer.checkFinite(tensor)
        guard tensor.values.count == layer.units, tensor.shape.dropLast().allSatisfy({ $0 == 1 }) else {
            throw ModelError("\(node.label): '\(tensor.name)' has shape \(tensor.shapeText) but the layer before has \(layer.units) units")
        }
        return tensor.values
    }

    private static func normalized(_ layer: FileLayer, epsilon: Double, gain: [Double], bias: [Double], source: String) -> FileLayer {
        var layer = layer
        layer.dense.layerNorm = LayerNorm(epsilon: epsilon, gain: gain, bias: bias, source: source)
        layer.modules.append("layer norm \(source) (eps \(epsilon))")
        return layer
    }
}
