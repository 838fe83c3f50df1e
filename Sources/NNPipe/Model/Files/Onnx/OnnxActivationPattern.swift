import Glibc

/// Activations as ONNX graphs spell them: one operator (`Relu`, `Gelu`, `HardSwish`, `Clip`, …:
/// ``single(_:constants:doubleGraph:)``), or a run of elementwise nodes that exporters write for
/// an activation the opset lacks or that they decompose: GELU below opset 20 (`Div/Erf/Add/Mul/Mul`,
/// or `Mul/Pow/Tanh/…` for the tanh form), SiLU (`Sigmoid` then `Mul`), Mish (`Softplus`, `Tanh`,
/// `Mul`), softsign (`Abs`, `Add`, `Div`), log-sigmoid (`Sigmoid` then `Log`), and the dynamo
/// exporter's Softplus (`Softplus`, `Greater` than 20, `Where`: PyTorch's `softplus`, with its
/// threshold). The `Softplus` operator alone is `log(1 + e^x)` at every x (`softplus_exact`), as
/// the ONNX specification and onnxruntime define it, whoever wrote it.
///
/// A run is recognised by what it computes, not by the order of its nodes: it is evaluated at
/// probe points from -40 to 40 (both sides of Softplus' threshold of 20 included) and compared
/// with each activation nnpipe knows without a parameter (and `relu6`, `hardtanh`); it is that
/// activation when every point agrees within 1e-12 (1e-6 when its constants are float32), and
/// refused otherwise. nnpipe then computes the activation as the framework defines it (PyTorch's
/// `logsigmoid`, not the log of a rounded sigmoid).
enum OnnxActivationPattern {
    /// Operators a run may hold: elementwise, with scalar constants.
    static let elementwise: Set<String> = ["Add", "Sub", "Mul", "Div", "Pow", "Sqrt", "Erf", "Tanh", "Sigmoid", "Exp", "Log",
                                           "Softplus", "Neg", "Abs", "Relu", "Identity", "Cast", "Greater", "Less",
                                           "GreaterOrEqual", "LessOrEqual", "Where", "Reciprocal", "Max", "Min", "Clip"]

    /// Activations a run of several nodes may compute.
    static let candidates: [Activation] = [.gelu, .geluTanh, .silu, .softplus, .softplusExact, .sigmoid, .tanh, .relu, .elu(alpha: 1),
                                           .mish, .softsign, .logSigmoid, .hardswish, .hardsigmoid, .selu,
                                           .hardtanh(low: 0, high: 6), .hardtanh(low: -1, high: 1)]

    /// The activation the elementwise `run` computes from `input`, or a problem naming its nodes.
    static func recognise(_ run: [OnnxModel.Node], input: String, constants: inout OnnxConstants,
                          doubleGraph: Bool) throws(ModelError) -> Activation {
        if run.count == 1 {
            guard let activation = try single(run[0], constants: &constants, doubleGraph: doubleGraph) else { throw OnnxOperatorHints.refusal(run[0]) }
            return activation
        }
        let points: [Double] = [-40, -25, -20.5, -12, -7.5, -4, -3, -2.25, -1.5, -1, -0.75, -0.5, -0.25, -0.1, -1e-3, 0,
                                1e-3, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2.25, 3, 4, 7.5, 12, 19.5, 20.5, 25, 40]
        var values: [String: [Double]] = [input: points]
        var singlePrecision = false
        for node in run {
            var operands: [[Double]] = []
            for name in node.inputs {
                if name.isEmpty, node.opType == "Clip" {
                    // An omitted bound: min is unbounded below, max above.
                    operands.append([Double](repeating: operands.count == 1 ? -.infinity : .infinity, count: points.count))
                } else if let known = values[name] {
                    operands.append(known)
                } else {
                    guard let value = try constants.scalar(name, for: node) else {
                        throw unrecognised(run, input: input, why: "\(node.label) reads '\(name)', which is neither the layer's value nor a single constant")
                    }
                    singlePrecision = singlePrecision || constants.isSinglePrecision(name)
                    operands.append([Double](repeating: value, count: points.count))
                }
            }
            guard let output = node.outputs.first,
                  let result = evaluate(node, operands, count: points.count, doubleGraph: doubleGraph) else {
                throw unrecognised(run, input: input, why: "\(node.label) is not read as an elementwise step")
            }
            values[output] = result
        }
        guard let last = run.last?.outputs.first, let computed = values[last] else {
            throw unrecognised(run, input: input, why: "the run has no output")
        }
        let tolerance = singlePrecision ? 1e-6 : 1e-12
        for candidate in candidates {
            var expected = points
            expected.withUnsafeMutableBufferPointer { candidate.apply($0.baseAddress!, count: points.count) }
            if zip(computed, expected).allSatisfy({ abs($0 - $1) <= tolerance * (1 + abs($1)) }) { return candidate }
        }
        throw unrecognised(run, input: input, why: "what they compute is none of \(candidates.map(\.name).joined(separator: ", "))")
    }

    /// One node on the probe values; nil for an operator or arity it does not know.
    private static func evaluate(_ node: OnnxModel.Node, _ x: [[Double]], count: Int, doubleGraph: Bool) -> [Double]? {
        func unary(_ f: (Double) -> Double) -> [Double]? { x.count == 1 ? x[0].map(f) : nil }
        func binary(_ f: (Double, Double) -> Double) -> [Double]? { x.count == 2 ? zip(x[0], x[1]).map(f) : nil }
        switch node.opType {
        case "Add": return binary(+)
        case "Sub": return binary(-)
        case "Mul": return binary(*)
        case "Div": return binary(/)
        case "Pow": return binary { Glibc.pow($0, $1) }
        case "Max": return binary { Swift.max($0, $1) }
        case "Min": return binary { Swift.min($0, $1) }
        case "Greater": return binary { $0 > $1 ? 1 : 0 }
        case "Less": return binary { $0 < $1 ? 1 : 0 }
        case "GreaterOrEqual": return binary { $0 >= $1 ? 1 : 0 }
        case "LessOrEqual": return binary { $0 <= $1 ? 1 : 0 }
        case "Sqrt": return unary { $0.squareRoot() }
        case "Erf": return unary { erf($0) }
        case "Tanh": return unary { Glibc.tanh($0) }
        case "Sigmoid": return unary { Activation.sigmoid($0) }
        case "Exp": return unary { exp($0) }
        case "Log": return unary { log($0) }
        case "Softplus": return unary { ($0 > 0 ? $0 : 0) + log1p(exp(-abs($0))) }
        case "Neg": return unary { -$0 }
        case "Abs": return unary { abs($0) }
        case "Relu": return unary { $0 < 0 ? 0 : $0 }
        case "Reciprocal": return unary { 1 / $0 }
        case "Identity": return unary { $0 }
        case "Cast":
            guard let to = node.attribute("to")?.int, [1, 9, 10, 11, 16].contains(to) else { return nil }
            return unary { $0 }
        case "Clip":
            // Bounds as inputs (opset 11 on), or as attributes before; NaN stays NaN.
            let low = x.count > 1 ? x[1] : [Double](repeating: node.float("min", default: -.infinity, doubleGraph: doubleGraph), count: count)
            let high = x.count > 2 ? x[2] : [Double](repeating: node.float("max", default: .infinity, doubleGraph: doubleGraph), count: count)
            guard (1...3).contains(x.count) else { return nil }
            return (0..<count).map { x[0][$0].isNaN ? x[0][$0] : Swift.min(Swift.max(x[0][$0], low[$0]), high[$0]) }
        case "Where":
            guard x.count == 3 else { return nil }
            return (0..<count).map { x[0][$0] != 0 ? x[1][$0] : x[2][$0] }
        default: return nil
        }
    }

    private static func unrecognised(_ run: [OnnxModel.Node], input: String, why: String) -> ModelError {
        let names = run.map(\.label).joined(separator: ", ")
        var text = "nodes \(names) after '\(input)' compute an activation nnpipe does not recognise (\(why))"
        if let hint = OnnxOperatorHints.hint(forRun: run.map(\.opType)) { text += "; \(hint)" }
        return ModelError(text)
    }
}
