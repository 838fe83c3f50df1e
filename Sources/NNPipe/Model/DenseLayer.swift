/// One dense layer: `y = activation(x · W + b)`, exactly numpy's `x @ W + b`.
public struct DenseLayer: Sendable {
    /// Number of inputs (rows of `weights`).
    public let inputs: Int
    /// Number of units (columns of `weights`, length of `bias`).
    public let units: Int
    /// `weights`: inputs × units, row-major.
    public let weights: [Double]
    /// `bias`: units.
    public let bias: [Double]
    public let activation: Activation

    /// Creates a layer; `weights` must hold `inputs * units` values and `bias` `units`.
    public init(inputs: Int, units: Int, weights: [Double], bias: [Double], activation: Activation) {
        precondition(weights.count == inputs * units && bias.count == units, "layer shape checked by the loader")
        self.inputs = inputs
        self.units = units
        self.weights = weights
        self.bias = bias
        self.activation = activation
    }

    /// Runs the layer on a batch.
    ///
    /// - `x`: rows × inputs, row-major. `y`: rows × units, row-major, overwritten.
    ///
    /// Each output is summed over the inputs in order, starting from zero, and the bias is added
    /// last, as numpy does for `x @ W + b`; a row's result never depends on the rows beside it,
    /// so output is the same whatever the chunk size.
    public func forward(_ x: UnsafePointer<Double>, rows: Int, into y: UnsafeMutablePointer<Double>) {
        weights.withUnsafeBufferPointer { w in
            bias.withUnsafeBufferPointer { b in
                Self.matmul(x, rows: rows, inputs: inputs, weights: w.baseAddress!, units: units, into: y)
                for r in 0..<rows {
                    let row = y + r * units
                    for u in 0..<units { row[u] += b[u] }
                    activation.apply(row, count: units)
                }
            }
        }
    }

    /// `y = x · w` for rows × inputs `x` and inputs × units `w`, four rows at a time so each
    /// weight row loaded from memory serves four outputs; the inner loop over units vectorizes.
    @inlinable
    static func matmul(
        _ x: UnsafePointer<Double>, rows: Int, inputs: Int,
        weights w: UnsafePointer<Double>, units: Int, into y: UnsafeMutablePointer<Double>
    ) {
        y.update(repeating: 0, count: rows * units)
        var r = 0
        while r + 4 <= rows {
            let x0 = x + r * inputs, x1 = x0 + inputs, x2 = x1 + inputs, x3 = x2 + inputs
            let y0 = y + r * units, y1 = y0 + units, y2 = y1 + units, y3 = y2 + units
            for i in 0..<inputs {
                let a0 = x0[i], a1 = x1[i], a2 = x2[i], a3 = x3[i]
                let wi = w + i * units
                for u in 0..<units {
                    let wv = wi[u]
                    y0[u] += a0 * wv
                    y1[u] += a1 * wv
                    y2[u] += a2 * wv
                    y3[u] += a3 * wv
                }
            }
            r += 4
        }
        while r < rows {
            let xr = x + r * inputs
            let yr = y + r * units
            for i in 0..<inputs {
                let a = xr[i]
                let wi = w + i * units
                for u in 0..<units { yr[u] += a * wi[u] }
            }
            r += 1
        }
    }
}
