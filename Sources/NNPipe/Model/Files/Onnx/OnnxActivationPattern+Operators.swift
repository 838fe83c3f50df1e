/// Activations that one ONNX operator applies, with its attributes (and, for `Clip`, its bound
/// inputs) read as the framework computed with them.
///
/// Operators whose ONNX definition carries constants nnpipe keeps fixed are read only in the
/// form the frameworks write: `HardSigmoid` with PyTorch's and Keras 3's alpha 1/6 (stored as the
/// float32 0.16666667) and beta 0.5, `Selu` with PyTorch's and Keras' α and scale (stored as
/// float32, or absent: ONNX's defaults are the same constants rounded to float32). nnpipe then
/// computes them in full precision, as the framework did; any other value is refused.
extension OnnxActivationPattern {
    /// The activation one operator applies, or nil when it is not one; `doubleGraph` says how
    /// its float attributes are read (``OnnxModel/Node/float(_:default:doubleGraph:)``).
    static func single(_ node: OnnxModel.Node, constants: inout OnnxConstants,
                       doubleGraph: Bool) throws(ModelError) -> Activation? {
        switch node.opType {
        case "Relu": return .relu
        case "Tanh": return .tanh
        case "Softplus": return .softplusExact
        case "Sigmoid": return .sigmoid
        case "Softmax", "LogSoftmax":
            let axis = node.attribute("axis")?.int ?? -1
            guard axis == -1 || axis == 1 else {
                throw ModelError("\(node.label) has axis=\(axis); nnpipe applies \(node.opType) over each row (axis -1 or 1)")
            }
            return node.opType == "Softmax" ? .softmax : .logSoftmax
        case "LeakyRelu": return .leakyRelu(slope: node.float("alpha", default: 0.01, doubleGraph: doubleGraph))
        case "Elu": return .elu(alpha: node.float("alpha", default: 1, doubleGraph: doubleGraph))
        case "Celu":
            let alpha = node.float("alpha", default: 1, doubleGraph: doubleGraph)
            guard alpha != 0 else { throw ModelError("\(node.label) has alpha=0, for which CELU is not defined") }
            return .celu(alpha: alpha)
        case "Gelu":
            switch node.attribute("approximate")?.string ?? "none" {
            case "none": return .gelu
            case "tanh": return .geluTanh
            case let other: throw ModelError("\(node.label) has approximate='\(other)'; nnpipe reads 'none' and 'tanh'")
            }
        case "HardSwish": return .hardswish
        case "Mish": return .mish
        case "Softsign": return .softsign
        case "HardSigmoid": return try hardSigmoid(node)
        case "Selu": return try selu(node)
        case "Clip": return try clip(node, constants: &constants, doubleGraph: doubleGraph)
        default: return nil
        }
    }

    /// `HardSigmoid` (`max(0, min(1, alpha·x + beta))`) as PyTorch and Keras 3 write it.
    private static func hardSigmoid(_ node: OnnxModel.Node) throws(ModelError) -> Activation {
        // ONNX's defaults are alpha 0.2, beta 0.5 (the old Keras hard_sigmoid), not PyTorch's.
        let alpha = Float(node.attribute("alpha")?.float ?? 0.2), beta = Float(node.attribute("beta")?.float ?? 0.5)
        guard alpha == Float(1.0 / 6.0), beta == 0.5 else {
            throw ModelError("\(node.label) computes max(0, min(1, \(alpha)·x + \(beta))); nnpipe's hardsigmoid is PyTorch's and Keras 3's, alpha 1/6 (0.16666667 as float32) and beta 0.5, and nnpipe has no activation with other constants, so it does not run this graph")
        }
        return .hardsigmoid
    }

    /// `Selu` with PyTorch's and Keras' constants, stored as float32 or left to ONNX's defaults.
    private static func selu(_ node: OnnxModel.Node) throws(ModelError) -> Activation {
        let alpha = node.attribute("alpha")?.float.map(Float.init) ?? Float(Activation.seluAlpha)
        let gamma = node.attribute("gamma")?.float.map(Float.init) ?? Float(Activation.seluScale)
        guard alpha == Float(Activation.seluAlpha), gamma == Float(Activation.seluScale) else {
            throw ModelError("\(node.label) has alpha=\(alpha), gamma=\(gamma); nnpipe's selu has PyTorch's and Keras' fixed constants (alpha \(Activation.seluAlpha), gamma \(Activation.seluScale)), and nnpipe has no activation with others, so it does not run this graph")
        }
        return .selu
    }

    /// `Clip` as `hardtanh(min, max)` (`relu6`: 0 and 6), its bounds given as constant inputs
    /// (opset 11 and later) or as attributes (before); a missing bound is unbounded.
    private static func clip(_ node: OnnxModel.Node, constants: inout OnnxConstants,
                             doubleGraph: Bool) throws(ModelError) -> Activation {
        var bounds = [-Double.infinity, Double.infinity]
        for (position, name) in node.inputs.enumerated().dropFirst() where !name.isEmpty && position <= 2 {
            guard let value = try constants.scalar(name, for: node) else {
                throw ModelError("\(node.label): its \(position == 1 ? "min" : "max") '\(name)' is not a single constant; nnpipe reads Clip with constant bounds as hardtanh(min, max)")
            }
            bounds[position - 1] = value
        }
        if node.inputs.count < 2 {
            bounds[0] = node.float("min", default: -.infinity, doubleGraph: doubleGraph)
            bounds[1] = node.float("max", default: .infinity, doubleGraph: doubleGraph)
        }
        guard !bounds[0].isNaN, !bounds[1].isNaN, bounds[0] <= bounds[1] else {
            throw ModelError("\(node.label) has min \(bounds[0]) above max \(bounds[1]); nnpipe reads Clip with min ≤ max as hardtanh(min, max)")
        }
        if bounds[0] == 0, bounds[1] == .infinity { return .relu }
        return .hardtanh(low: bounds[0], high: bounds[1])
    }
}
