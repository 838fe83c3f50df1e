/// One dense layer: `y = activation(x · W + b)`, exactly numpy's `x @ W + b`, with a layer
/// normalization of each row between the two when the model has one (``LayerNorm``).
package struct DenseLayer: Sendable {
    /// Number of inputs (rows of `weights`).
    package let inputs: Int
    /// Number of units (columns of `weights`, length of `bias`).
    package let units: Int
    /// `weights`: inputs × units, row-major. Changed in place only by the model-file readers
    /// (folding a batch norm or a scale into the layer), which keep its size.
    package internal(set) var weights: [Double]
    /// `bias`: units.
    package internal(set) var bias: [Double]
    package internal(set) var activation: Activation
    /// The layer normalization applied to `x · W + b` before the activation, if any.
    package internal(set) var layerNorm: LayerNorm?
    /// The layer's name in its model file (`fc1`, `0`, `W1`), for messages and for picking a
    /// hidden layer's activations; nil when the file gives none.
    package internal(set) var name: String?
    /// Whether pre-activations and activations are rounded to float32 (a float32 model).
    package let roundsToFloat32: Bool

    /// Creates a layer; `weights` must hold `inputs * units` values and `bias` `units`.
    package init(inputs: Int, units: Int, weights: [Double], bias: [Double], activation: Activation, name: String? = nil,
                roundsToFloat32: Bool = false, layerNorm: LayerNorm? = nil) {
        precondition(weights.count == inputs * units && bias.count == units, "layer shape checked by the loader")
        self.inputs = inputs
        self.units = units
        self.weights = weights
        self.bias = bias
        self.activation = activation
        self.name = name
        self.roundsToFloat32 = roundsToFloat32
        self.layerNorm = layerNorm
    }

    /// Runs the layer on a batch.
    ///
    /// - `x`: rows × inputs, row-major. `y`: rows × units, row-major, overwritten.
    ///
    /// Each output is summed over the inputs in order, starting from zero, and the bias is added
    /// last, as numpy does for `x @ W + b`; a row's result never depends on the rows beside it,
    /// so output is the same whatever the chunk size.
    package func forward(_ x: UnsafePointer<Double>, rows: Int, into y: UnsafeMutablePointer<Double>) {
        weights.withUnsafeBufferPointer { w in
            bias.withUnsafeBufferPointer { b in
                MatrixMultiply.multiply(x, rows: rows, inputs: inputs, weights: w.baseAddress!, units: units, into: y)
                for r in 0..<rows {
                    let row = y + r * units
                    for u in 0..<units { row[u] += b[u] }
                }
                // The rest row by row where a row's values depend on each other (a layer norm, a
                // softmax, a slope per unit); otherwise over the whole block at once: one dispatch
                // on the activation, not one a row (W1's layers have 2 to 4 units).
                let (spans, length) = layerNorm == nil && activation.isElementwise ? (1, rows * units) : (rows, units)
                for span in 0..<spans {
                    let values = y + span * length
                    if roundsToFloat32 {
                        for i in 0..<length { values[i] = Double(Float(values[i])) }
                        if let layerNorm {
                            layerNorm.apply(values, count: length)
                            for i in 0..<length { values[i] = Double(Float(values[i])) }
                        }
                        activation.apply(values, count: length)
                        for i in 0..<length { values[i] = Double(Float(values[i])) }
                    } else {
                        layerNorm?.apply(values, count: length)
                        activation.apply(values, count: length)
                    }
                }
            }
        }
    }

    /// `y = x · w` for rows × inputs `x` and inputs × units `w`.
    ///
    /// Tiles of 4 rows × 4 units are summed in registers (four `SIMD4<Double>` accumulators) over
    /// all the inputs, so each weight loaded serves four rows and no partial sum goes through
    /// memory; leftover rows and units take the plain loops. Every output is still
    /// `((x0·w0 + x1·w1) + x2·w2) + …` in input order, bit for bit the naive reference's sum.
    @inlinable
    static func matmul(
        _ x: UnsafePointer<Double>, rows: Int, inputs: Int,
        weights w: UnsafePointer<Double>, units: Int, into y: UnsafeMutablePointer<Double>
    ) {
        let tiledUnits = units & ~3
        var r = 0
        while r + 4 <= rows {
            let x0 = x + r * inputs, x1 = x0 + inputs, x2 = x1 + inputs, x3 = x2 + inputs
            let y0 = y + r * units, y1 = y0 + units, y2 = y1 + units, y3 = y2 + units
            var u = 0
            while u < tiledUnits {
                var s0 = SIMD4<Double>(), s1 = SIMD4<Double>(), s2 = SIMD4<Double>(), s3 = SIMD4<Double>()
                var wi = UnsafeRawPointer(w + u)
                for i in 0..<inputs {
                    let wv = wi.loadUnaligned(as: SIMD4<Double>.self)
                    s0 += SIMD4(repeating: x0[i]) * wv
                    s1 += SIMD4(repeating: x1[i]) * wv
                    s2 += SIMD4(repeating: x2[i]) * wv
                    s3 += SIMD4(repeating: x3[i]) * wv
                    wi += units * MemoryLayout<Double>.stride
                }
                UnsafeMutableRawPointer(y0 + u).storeBytes(of: s0, as: SIMD4<Double>.self)
                UnsafeMutableRawPointer(y1 + u).storeBytes(of: s1, as: SIMD4<Double>.self)
                UnsafeMutableRawPointer(y2 + u).storeBytes(of: s2, as: SIMD4<Double>.self)
                UnsafeMutableRawPointer(y3 + u).storeBytes(of: s3, as: SIMD4<Double>.self)
                u += 4
            }
            for u in tiledUnits..<units {
                var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
                for i in 0..<inputs {
                    let wv = w[i * units + u]
                    s0 += x0[i] * wv
                    s1 += x1[i] * wv
                    s2 += x2[i] * wv
                    s3 += x3[i] * wv
                }
                y0[u] = s0
                y1[u] = s1
                y2[u] = s2
                y3[u] = s3
            }
            r += 4
        }
        while r < rows {
            let xr = x + r * inputs
            let yr = y + r * units
            yr.update(repeating: 0, count: units)
            for i in 0..<inputs {
                let a = xr[i]
                let wi = w + i * units
                for u in 0..<units { yr[u] += a * wi[u] }
            }
            r += 1
        }
    }
}
