import Glibc

/// An activation function applied to a layer's output, row by row.
///
/// The definitions are PyTorch's (and the float64 numpy reference in `scripts/make_golden.py`),
/// written so that large magnitudes give no NaN: `sigmoid` never exponentiates a positive number,
/// `softmax` and `log_softmax` subtract the row's maximum, `softplus` is linear above 20 as
/// PyTorch's is; `softplus_exact` is the softplus of Keras, jax, numpy and ONNX, which has no
/// threshold.
/// NaN inputs give NaN outputs (for `relu` and `leaky_relu` too, as in numpy and PyTorch).
///
/// In pipeline and model files an activation is a name, with its parameter in parentheses where
/// it has one: `relu`, `leaky_relu` (slope 0.01), `leaky_relu(0.2)`, `elu(0.5)`, `gelu_tanh`;
/// `prelu(0.25)` (one slope) or `prelu(0.1, 0.2, …)` (a slope per unit), and a bare `prelu` for
/// the slopes of the `nn.PReLU` a `state_dict` holds after the layer.
package enum Activation: Sendable, Equatable {
    case identity
    case sigmoid
    case relu
    case tanh
    case softmax
    /// `x - max - log(Σ exp(x - max))` over the row.
    case logSoftmax
    /// `x` for x ≥ 0, `slope · x` below (PyTorch's `negative_slope`, default 0.01).
    case leakyRelu(slope: Double)
    /// `x` for x > 0, `alpha · (e^x - 1)` below (default alpha 1).
    case elu(alpha: Double)
    /// The exact GELU: `x/2 · (1 + erf(x/√2))`.
    case gelu
    /// GELU's tanh approximation: `x/2 · (1 + tanh(√(2/π) · (x + 0.044715 x³)))`.
    case geluTanh
    /// `log(1 + e^x)`, and `x` itself above 20 (PyTorch's `nn.Softplus()`, threshold 20).
    case softplus
    /// `log(1 + e^x)` at every x, computed as `max(x, 0) + log(1 + e^-|x|)`: numpy's
    /// `logaddexp(0, x)`, Keras' and jax's `softplus` and the ONNX `Softplus` operator (which
    /// differ from PyTorch's above 20, by up to 2.1e-9).
    case softplusExact
    /// `x · sigmoid(x)` (also called swish).
    case silu
    /// `e^x` (`MLPRegressor(loss="poisson")`'s output).
    case exponential
    /// `min(max(x, low), high)` (PyTorch's `Hardtanh`, default -1 and 1; `relu6` is 0 and 6).
    case hardtanh(low: Double, high: Double)
    /// `min(max(x + 3, 0), 6) / 6`.
    case hardsigmoid
    /// `x · min(max(x + 3, 0), 6) / 6`.
    case hardswish
    /// `x · tanh(log(1 + e^x))`.
    case mish
    /// `scale · x` for x > 0, `scale · α · (e^x - 1)` below, with PyTorch's α and scale.
    case selu
    /// `x` for x > 0, `alpha · (e^(x/alpha) - 1)` below (default alpha 1).
    case celu(alpha: Double)
    /// `x / (1 + |x|)`.
    case softsign
    /// `log(sigmoid(x))`, computed as `min(x, 0) - log(1 + e^-|x|)`.
    case logSigmoid
    /// `x` for x ≥ 0, `slope · x` below, with one learned slope for all units or one per unit
    /// (PyTorch's `nn.PReLU`, ONNX `PRelu`). Empty `slopes` (a bare `prelu` in `activations:`)
    /// stands for the slopes of the model file's own PReLU after the layer, filled in on load.
    case prelu(slopes: [Double])

    /// The names accepted, for messages.
    package static let knownNames = "identity (linear), sigmoid, relu, tanh, softmax, log_softmax, leaky_relu(slope), "
        + "elu(alpha), gelu, gelu_tanh, softplus, softplus_exact, silu, exp, relu6, hardtanh(min, max), hardsigmoid, hardswish, mish, "
        + "selu, celu(alpha), softsign, logsigmoid, prelu(slope, ...)"

    /// The activation a pipeline or model file names (case-insensitive), or nil. Parameters
    /// follow in parentheses, separated by commas: `leaky_relu(0.2)`, `hardtanh(-2, 2)`.
    package static func named(_ text: String) -> Activation? {
        var name = text.lowercased().filter { $0 != " " }
        var parameters: [Double] = []
        if name.hasSuffix(")"), let open = name.firstIndex(of: "(") {
            for part in name[name.index(after: open)..<name.index(before: name.endIndex)].split(separator: ",", omittingEmptySubsequences: false) {
                guard let value = Double(part), value.isFinite else { return nil }
                parameters.append(value)
            }
            name = String(name[..<open])
        }
        let parameter = parameters.count == 1 ? parameters[0] : nil
        switch (name, parameters.count) {
        case ("identity", 0), ("linear", 0), ("none", 0): return .identity
        case ("sigmoid", 0): return .sigmoid
        case ("relu", 0): return .relu
        case ("tanh", 0): return .tanh
        case ("softmax", 0): return .softmax
        case ("log_softmax", 0), ("logsoftmax", 0): return .logSoftmax
        case ("leaky_relu", 0...1), ("leakyrelu", 0...1): return .leakyRelu(slope: parameter ?? 0.01)
        case ("elu", 0...1): return .elu(alpha: parameter ?? 1)
        case ("gelu", 0): return .gelu
        case ("gelu_tanh", 0): return .geluTanh
        case ("softplus", 0): return .softplus
        case ("softplus_exact", 0): return .softplusExact
        case ("silu", 0), ("swish", 0): return .silu
        case ("exp", 0): return .exponential
        case ("relu6", 0): return .hardtanh(low: 0, high: 6)
        case ("hardtanh", 0): return .hardtanh(low: -1, high: 1)
        case ("hardtanh", 2) where parameters[0] <= parameters[1]: return .hardtanh(low: parameters[0], high: parameters[1])
        case ("hardsigmoid", 0): return .hardsigmoid
        case ("hardswish", 0): return .hardswish
        case ("mish", 0): return .mish
        case ("selu", 0): return .selu
        case ("celu", 0...1) where parameter != 0: return .celu(alpha: parameter ?? 1)
        case ("softsign", 0): return .softsign
        case ("logsigmoid", 0), ("log_sigmoid", 0): return .logSigmoid
        case ("prelu", _): return .prelu(slopes: parameters)
        default: return nil
        }
    }

    /// The name as written in files, with its parameter (`leaky_relu(0.2)`); a PReLU with more
    /// than four slopes as their count (`prelu(64 slopes)`).
    package var name: String {
        switch self {
        case .identity: "identity"
        case .sigmoid: "sigmoid"
        case .relu: "relu"
        case .tanh: "tanh"
        case .softmax: "softmax"
        case .logSoftmax: "log_softmax"
        case .leakyRelu(let slope): "leaky_relu(\(slope))"
        case .elu(let alpha): "elu(\(alpha))"
        case .gelu: "gelu"
        case .geluTanh: "gelu_tanh"
        case .softplus: "softplus"
        case .softplusExact: "softplus_exact"
        case .silu: "silu"
        case .exponential: "exp"
        case .hardtanh(0, 6): "relu6"
        case .hardtanh(let low, let high): "hardtanh(\(low), \(high))"
        case .hardsigmoid: "hardsigmoid"
        case .hardswish: "hardswish"
        case .mish: "mish"
        case .selu: "selu"
        case .celu(let alpha): "celu(\(alpha))"
        case .softsign: "softsign"
        case .logSigmoid: "logsigmoid"
        case .prelu(let slopes) where slopes.isEmpty: "prelu"
        // A slope per unit of a wide layer would fill the line: counted instead.
        case .prelu(let slopes) where slopes.count > 4: "prelu(\(slopes.count) slopes)"
        case .prelu(let slopes): "prelu(\(slopes.map { "\($0)" }.joined(separator: ", ")))"
        }
    }

    /// Whether each output depends on its own input alone, so that ``apply(_:count:)`` may take a
    /// whole block of rows at once: every activation but the row-wise softmaxes and a PReLU with
    /// a slope per unit.
    package var isElementwise: Bool {
        switch self {
        case .softmax, .logSoftmax: false
        case .prelu(let slopes): slopes.count <= 1
        default: true
        }
    }

    /// Applies the activation in place to one row of `count` values (or, where
    /// ``isElementwise``, to any run of values).
    @inlinable
    package func apply(_ row: UnsafeMutablePointer<Double>, count: Int) {
        switch self {
        case .identity:
            return
        case .relu:
            // numpy's maximum(x, 0): NaN and -0.0 pass through unchanged. Branch-free, so it vectorizes.
            for u in 0..<count { row[u] = row[u] < 0 ? 0 : row[u] }
        case .sigmoid:
            for u in 0..<count { row[u] = Activation.sigmoid(row[u]) }
        case .tanh:
            for u in 0..<count { row[u] = Glibc.tanh(row[u]) }
        case .softmax:
            Activation.softmax(row, count: count)
        case .logSoftmax:
            Activation.logSoftmax(row, count: count)
        case .leakyRelu(let slope):
            for u in 0..<count { row[u] = row[u] < 0 ? slope * row[u] : row[u] }
        case .prelu(let slopes) where slopes.count == 1:
            let slope = slopes[0]
            for u in 0..<count { row[u] = row[u] < 0 ? slope * row[u] : row[u] }
        case .prelu(let slopes):
            // One slope per unit, checked against the layer's units on load.
            slopes.withUnsafeBufferPointer { a in
                for u in 0..<min(count, a.count) { row[u] = row[u] < 0 ? a[u] * row[u] : row[u] }
            }
        case .elu(let alpha):
            for u in 0..<count where row[u] <= 0 { row[u] = alpha * expm1(row[u]) }
        case .gelu:
            for u in 0..<count { row[u] = 0.5 * row[u] * (1 + erf(row[u] * 0.7071067811865476)) }
        case .geluTanh:
            // x/2·(1 + tanh(z)) is x·σ(2z): the same function, without the cancellation of
            // 1 + tanh(z) as tanh(z) nears -1 (x below about -3.8), where the formula as written
            // loses digits (numpy's result differs from the exact one by more than 1e-12 relative).
            for u in 0..<count {
                let x = row[u]
                row[u] = x * Activation.sigmoid(1.5957691216057308 * (x + 0.044715 * x * x * x))
            }
        case .softplus:
            for u in 0..<count where row[u] <= 20 { row[u] = log1p(exp(row[u])) }
        case .silu:
            for u in 0..<count { row[u] = row[u] * Activation.sigmoid(row[u]) }
        case .softplusExact, .exponential, .hardtanh, .hardsigmoid, .hardswish, .mish, .selu, .celu, .softsign, .logSigmoid:
            applyPointwise(row, count: count)
        }
    }

    /// The logistic function, stable for large |x|: `1/(1+e^-x)` for x ≥ 0, `e^x/(1+e^x)` below,
    /// written as one division with the numerator selected, so the sign of x (random in real
    /// data) costs no mispredicted branch.
    @inlinable
    package static func sigmoid(_ x: Double) -> Double {
        let e = exp(-abs(x))
        let numerator = x >= 0 ? 1 : e
        return numerator / (1 + e)
    }

    /// Softmax of one row, in place: `exp(x - max) / sum(exp(x - max))`.
    @inlinable
    package static func softmax(_ row: UnsafeMutablePointer<Double>, count: Int) {
        guard count > 0 else { return }
        let maximum = rowMaximum(row, count: count)
        var sum = 0.0
        for u in 0..<count {
            let e = exp(row[u] - maximum)
            row[u] = e
            sum += e
        }
        for u in 0..<count { row[u] /= sum }
    }

    /// Log-softmax of one row, in place: `(x - max) - log(sum(exp(x - max)))`.
    @inlinable
    package static func logSoftmax(_ row: UnsafeMutablePointer<Double>, count: Int) {
        guard count > 0 else { return }
        let maximum = rowMaximum(row, count: count)
        var sum = 0.0
        for u in 0..<count { sum += exp(row[u] - maximum) }
        let logSum = log(sum)
        for u in 0..<count { row[u] = (row[u] - maximum) - logSum }
    }

    /// The row's largest value, or NaN when it holds a NaN (so the row becomes NaN, as in numpy).
    @inlinable
    static func rowMaximum(_ row: UnsafeMutablePointer<Double>, count: Int) -> Double {
        var maximum = row[0]
        for u in 0..<count {
            if row[u].isNaN { return .nan }
            if row[u] > maximum { maximum = row[u] }
        }
        return maximum
    }
}
