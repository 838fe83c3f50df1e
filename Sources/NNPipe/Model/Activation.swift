import Glibc

/// An activation function applied to a layer's output, row by row.
///
/// The definitions are numpy's float64 ones, written so that large magnitudes give no NaN:
/// `sigmoid` uses `1/(1+e^-x)` for x ≥ 0 and `e^x/(1+e^x)` below; `softmax` subtracts the row's
/// maximum before exponentiating.
public enum Activation: String, Sendable, CaseIterable {
    case sigmoid
    case relu
    case tanh
    case identity
    case softmax

    /// Names accepted in pipeline and model files for each activation.
    public static func named(_ name: String) -> Activation? {
        switch name.lowercased() {
        case "linear", "none": .identity
        default: Activation(rawValue: name.lowercased())
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
        var maximum = row[0]
        for u in 1..<count where row[u] > maximum { maximum = row[u] }
        var sum = 0.0
        for u in 0..<count {
            let e = exp(row[u] - maximum)
            row[u] = e
            sum += e
        }
        for u in 0..<count { row[u] /= sum }
    }
}
