/// A chain of dense layers, run on whole chunks.
package struct Network: Sendable {
    package let layers: [DenseLayer]

    /// Creates a network; the layers' shapes must chain (checked by ``ModelFile`` and ``WrittenLayer``).
    package init(layers: [DenseLayer]) {
        precondition(!layers.isEmpty, "a network has at least one layer")
        self.layers = layers
        for (previous, next) in zip(layers, layers.dropFirst()) {
            precondition(previous.units == next.inputs, "layer shapes checked by the loader")
        }
    }

    /// Number of inputs the first layer takes.
    package var inputCount: Int { layers[0].inputs }
    /// Number of outputs of the last layer.
    package var outputCount: Int { layers[layers.count - 1].units }
    /// The widest layer, inputs included: the most values a row holds during the forward pass.
    package var widestLayer: Int { layers.reduce(inputCount) { max($0, $1.units) } }
    /// The widest layer before the last: the most values a row holds in the scratch buffers (the
    /// last layer writes straight into the caller's output); 0 for a one-layer network.
    package var widestInnerLayer: Int { layers.dropLast().reduce(0) { max($0, $1.units) } }

    /// Rows run through all the layers together: small enough that a block's activations stay in
    /// cache between layers, large enough to amortize loading each weight row.
    package static let blockRows = 256

    /// The first layers, up to and including layer `last`.
    package func prefix(through last: Int) -> Network {
        Network(layers: Array(layers[...last]))
    }

    /// The same network with its weights and biases rounded to float32, and every layer rounding
    /// its pre-activations and activations to float32, as a float32 model computes them.
    package func roundedToFloat32() -> Network {
        Network(layers: layers.map { layer in
            DenseLayer(inputs: layer.inputs, units: layer.units,
                       weights: layer.weights.map { Double(Float($0)) }, bias: layer.bias.map { Double(Float($0)) },
                       activation: layer.activation.roundedToFloat32, name: layer.name, roundsToFloat32: true,
                       layerNorm: layer.layerNorm.map { norm in
                           LayerNorm(epsilon: norm.epsilon, gain: norm.gain.map { Double(Float($0)) },
                                     bias: norm.bias.map { Double(Float($0)) }, source: norm.source)
                       })
        })
    }

    /// Runs every layer on `rows` rows of `x` (rows × inputCount, row-major) and writes the last
    /// layer's activations to `y` (rows × outputCount, row-major), ``blockRows`` rows at a time,
    /// using `scratch` for the layers in between. The activations of the layers in `captures`
    /// are copied out too (rows × that layer's units each).
    package func forward(
        _ x: UnsafePointer<Double>, rows: Int, into y: UnsafeMutablePointer<Double>,
        captures: [(layer: Int, into: UnsafeMutablePointer<Double>)] = [], scratch: inout ForwardScratch
    ) {
        let blockRows = Self.blockRows
        // Sized by the rows of one block at most, and by the layers that go through scratch: a
        // million-unit last layer needs none (it was 4 KiB per unit of the widest layer).
        scratch.reserve(min(blockRows, rows) * widestInnerLayer)
        scratch.a.withUnsafeMutableBufferPointer { a in
            scratch.b.withUnsafeMutableBufferPointer { b in
                var first = 0
                while first < rows {
                    let count = min(blockRows, rows - first)
                    var input = x + first * inputCount
                    var output = a.baseAddress!
                    var spare = b.baseAddress!
                    for (index, layer) in layers.enumerated() {
                        let target = index == layers.count - 1 ? y + first * outputCount : output
                        layer.forward(input, rows: count, into: target)
                        for capture in captures where capture.layer == index {
                            (capture.into + first * layer.units).update(from: target, count: count * layer.units)
                        }
                        input = UnsafePointer(target)
                        swap(&output, &spare)
                    }
                    first += count
                }
            }
        }
    }
}

/// Two buffers a worker reuses for every chunk, so that nnpipe's own kernel allocates nothing
/// per chunk. A layer on OpenBLAS does allocate, for a chunk's last block when it is shorter than
/// ``Network/blockRows``: its zero-padded input and output (``MatrixMultiply/multiply``), two
/// buffers of `blockRows` × inputs and `blockRows` × min(units, ``MatrixMultiply/panelUnits``)
/// values, once per layer per chunk, beside the chunk's rows × inputs × units multiply-adds.
package struct ForwardScratch {
    var a: [Double] = []
    var b: [Double] = []

    package init() {}

    mutating func reserve(_ count: Int) {
        // Never empty, so the buffers always have a base address.
        let count = max(count, 1)
        if a.count < count {
            a = [Double](repeating: 0, count: count)
            b = [Double](repeating: 0, count: count)
        }
    }
}
