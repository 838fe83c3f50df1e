/// A layer normalization of each row over its units, between a dense layer's bias and its
/// activation (PyTorch's `nn.LayerNorm(units)`, ONNX `LayerNormalization` over the last axis):
/// `(x - mean) / √(var + eps) · gain + bias`, with the row's mean and biased variance.
///
/// Computed as numpy computes `x.mean(-1)` and `x.var(-1)` in float64, bit for bit: the mean
/// first, then the mean of the squared deviations from it (two passes), each sum numpy's pairwise
/// sum (``pairwiseSum(count:_:)``), so a row's result is numpy's reference to the last bit.
package struct LayerNorm: Sendable, Equatable {
    /// The `eps` added to the variance: read from the file where it records it (ONNX), else given
    /// by the forward stage (`layer_norm_eps`), never assumed.
    package var epsilon: Double
    /// `gain` and `bias`: one value per unit (ones and zeros without `elementwise_affine`).
    package internal(set) var gain: [Double]
    package internal(set) var bias: [Double]
    /// Where it came from in the model file (`net.1`, an ONNX node), for `nnpipe inspect`.
    package var source: String

    /// Creates a layer norm; `gain` and `bias` hold one value per unit each.
    package init(epsilon: Double, gain: [Double], bias: [Double], source: String) {
        precondition(gain.count == bias.count, "layer norm shape checked by the loader")
        self.epsilon = epsilon
        self.gain = gain
        self.bias = bias
        self.source = source
    }

    /// Number of units it normalizes.
    package var units: Int { gain.count }

    /// Normalizes one row of `count` (= ``units``) values in place.
    @inlinable
    package func apply(_ row: UnsafeMutablePointer<Double>, count: Int) {
        guard count > 0 else { return }
        let n = Double(count)
        let mean = Self.pairwiseSum(count: count) { row[$0] } / n
        let variance = Self.pairwiseSum(count: count) { (row[$0] - mean) * (row[$0] - mean) } / n
        let deviation = (variance + epsilon).squareRoot()
        gain.withUnsafeBufferPointer { g in
            bias.withUnsafeBufferPointer { b in
                for u in 0..<count { row[u] = (row[u] - mean) / deviation * g[u] + b[u] }
            }
        }
    }

    /// `0 + Σ value(i)` for i in 0..<count, summed as numpy's `add.reduce` sums a contiguous row
    /// (`pairwise_sum`): fewer than 8 values in order; up to 128 in eight interleaved partial
    /// sums joined as `((r0+r1)+(r2+r3))+((r4+r5)+(r6+r7))`, then the rest in order; more split
    /// in two halves (the first a multiple of 8), each summed so.
    @inlinable
    static func pairwiseSum(count: Int, _ value: (Int) -> Double) -> Double {
        0 + pairwiseSum(from: 0, count: count, value)
    }

    @inlinable
    static func pairwiseSum(from start: Int, count n: Int, _ value: (Int) -> Double) -> Double {
        if n < 8 {
            var sum = 0.0
            for i in start..<(start + n) { sum += value(i) }
            return sum
        }
        if n <= 128 {
            // Eight partial sums in scalars: nothing allocated per row.
            var r0 = value(start), r1 = value(start + 1), r2 = value(start + 2), r3 = value(start + 3)
            var r4 = value(start + 4), r5 = value(start + 5), r6 = value(start + 6), r7 = value(start + 7)
            var i = 8
            while i < n - n % 8 {
                let p = start + i
                r0 += value(p); r1 += value(p + 1); r2 += value(p + 2); r3 += value(p + 3)
                r4 += value(p + 4); r5 += value(p + 5); r6 += value(p + 6); r7 += value(p + 7)
                i += 8
            }
            var sum = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
            while i < n {
                sum += value(start + i)
                i += 1
            }
            return sum
        }
        var half = n / 2
        half -= half % 8
        return pairwiseSum(from: start, count: half, value) + pairwiseSum(from: start + half, count: n - half, value)
    }
}
