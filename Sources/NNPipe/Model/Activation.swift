import Glibc

/// An activation function applied to a layer's output, row by row.
///
/// The definitions are PyTorch's (and the float64 numpy reference in `scripts/make_golden.py`),
/// written so that large magnitudes give no NaN: `sigmoid` never exponentiates a positive number,
/// `softmax` and `log_softmax` subtract the row's maximum, `softplus` is linear above 20.
/// NaN inputs give NaN outputs (for `relu` and `leaky_relu` too, as in numpy and PyTorch).
///
/// In pipeline and model files an activation is a name, with its parameter in parentheses where
/// it has one: `relu`, `leaky_relu` (slope 0.01), `leaky_relu(0.2)`, `elu(0.5)`, `gelu_tanh`.
public enum Activation: Sendable, Equatable {
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
    /// `log(1 + e^x)`, and `x` itself above 20 (PyTorch's threshold).
    case softplus
    /// `x · sigmoid(x)` (also called swish).
    case silu

    /// The names accepted, for messages.
    public static let knownNames = "identity (linear), sigmoid, relu, tanh, softmax, log_softmax, leaky_relu(slope), "
        + "elu(alpha), gelu, gelu_tanh, softplus, silu"

    /// The activation a pipeline or model file names (case-insensitive), or nil.
    public static func named(_ text: String) -> Activation? {
        var name = text.lowercased().filter { $0 != " " }
        var parameter: Double?
        if name.hasSuffix(")"), let open = name.firstIndex(of: "(") {
            guard let value = Double(name[name.index(after: open)..<name.index(before: name.endIndex)]),
                  value.isFinite else { return nil }
            parameter = value
            name = String(name[..<open])
        }
        switch (name, parameter) {
        case ("identity", nil), ("linear", nil), ("none", nil): return .identity
        case ("sigmoid", nil): return .sigmoid
        case ("relu", nil): return .relu
        case ("tanh", nil): return .tanh
        case ("softmax", nil): return .softmax
        case ("log_softmax", nil), ("logsoftmax", nil): return .logSoftmax
        case ("leaky_relu", let slope), ("leakyrelu", let slope): return .leakyRelu(slope: slope ?? 0.01)
        case ("elu", let alpha): return .elu(alpha: alpha ?? 1)
        case ("gelu", nil): return .gelu
        case ("gelu_tanh", nil): return .geluTanh
        case ("softplus", nil): return .softplus
        case ("silu", nil), ("swish", nil): return .silu
        default: return nil
        }
    }

    /// The name as written in files, with its parameter (`leaky_relu(0.2)`).
    public var name: String {
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
        case .silu: "silu"
        }
    }

    /// Applies the activation in place to one row of `count` values.
    @inlinable
    public func apply(_ row: UnsafeMutablePointer<Double>, count: Int) {
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
        case .elu(let alpha):
            for u in 0..<count where row[u] <= 0 { row[u] = alpha * expm1(row[u]) }
        case .gelu:
            for u in 0..<count { row[u] = 0.5 * row[u] * (1 + erf(row[u] * 0.7071067811865476)) }
        case .geluTanh:
            for u in 0..<count {
                let x = row[u]
                row[u] = 0.5 * x * (1 + Glibc.tanh(0.7978845608028654 * (x + 0.044715 * x * x * x)))
            }
        case .softplus:
            for u in 0..<count where row[u] <= 20 { row[u] = log1p(exp(row[u])) }
        case .silu:
            for u in 0..<count { row[u] = row[u] * Activation.sigmoid(row[u]) }
        }
    }

    /// The logistic function, stable for large |x|: `1/(1+e^-x)` for x ≥ 0, `e^x/(1+e^x)` below,
    /// written as one division with the numerator selected, so the sign of x (random in real
    /// data) costs no mispredicted branch.
    @inlinable
    public static func sigmoid(_ x: Double) -> Double {
        let e = exp(-abs(x))
        let numerator = x >= 0 ? 1 : e
        return numerator / (1 + e)
    }

    /// Softmax of one row, in place: `exp(x - max) / sum(exp(x - max))`.
    @inlinable
    public static func softmax(_ row: UnsafeMutablePointer<Double>, count: Int) {
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
    public static func logSoftmax(_ row: UnsafeMutablePointer<Double>, count: Int) {
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
