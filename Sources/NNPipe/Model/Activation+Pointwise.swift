import Glibc

/// The activations added for PyTorch's remaining elementwise modules, written as PyTorch's CPU
/// kernels compute them in float64 (same operations, same order) so results match bit for bit
/// where the C library's `exp`, `log1p` and `tanh` do, and `softplus_exact` as numpy and jax
/// compute it. NaN in gives NaN out.
extension Activation {
    /// SELU's α and scale, as `torch.nn.functional.selu` defines them.
    package static let seluAlpha = 1.6732632423543772848170429916717
    package static let seluScale = 1.0507009873554804934193349852946

    /// Applies one of the pointwise activations below to a row, in place.
    @usableFromInline
    func applyPointwise(_ row: UnsafeMutablePointer<Double>, count: Int) {
        switch self {
        case .softplusExact:
            // jax's logaddexp(x, 0), and numpy's logaddexp(0, x) to the bit: e^-|x| never
            // overflows; NaN stays NaN (NaN > 0 is false, and log1p(e^NaN) is NaN).
            for u in 0..<count {
                let x = row[u]
                row[u] = (x > 0 ? x : 0) + log1p(Glibc.exp(-abs(x)))
            }
        case .exponential:
            for u in 0..<count { row[u] = Glibc.exp(row[u]) }
        case .hardtanh(let low, let high):
            for u in 0..<count where !row[u].isNaN { row[u] = Swift.min(Swift.max(row[u], low), high) }
        case .hardsigmoid:
            for u in 0..<count where !row[u].isNaN { row[u] = Swift.min(Swift.max(row[u] + 3, 0), 6) / 6 }
        case .hardswish:
            for u in 0..<count where !row[u].isNaN { row[u] = row[u] * Swift.min(Swift.max(row[u] + 3, 0), 6) / 6 }
        case .mish:
            // exp overflows to +inf for large x, and tanh(log1p(inf)) = 1: x itself, no NaN.
            for u in 0..<count { row[u] = row[u] * Glibc.tanh(log1p(Glibc.exp(row[u]))) }
        case .selu:
            let negative = Activation.seluAlpha * Activation.seluScale
            for u in 0..<count { row[u] = row[u] > 0 ? row[u] * Activation.seluScale : negative * expm1(row[u]) }
        case .celu(let alpha):
            let inverse = 1 / alpha
            for u in 0..<count where !(row[u] > 0) { row[u] = alpha * expm1(row[u] * inverse) }
        case .softsign:
            for u in 0..<count { row[u] = row[u] / (1 + abs(row[u])) }
        case .logSigmoid:
            for u in 0..<count {
                let x = row[u]
                row[u] = Swift.min(x, 0) - log1p(Glibc.exp(-abs(x)))
            }
        default:
            apply(row, count: count)
        }
    }
}
