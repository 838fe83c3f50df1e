/// A chain of dense layers, run on whole chunks.
public struct Network: Sendable {
    public let layers: [DenseLayer]

    /// Creates a network; the layers' shapes must chain (checked by ``ModelLoader``).
    public init(layers: [DenseLayer]) {
        precondition(!layers.isEmpty, "a network has at least one layer")
        self.layers = layers
        for (previous, next) in zip(layers, layers.dropFirst()) {
            precondition(previous.units == next.inputs, "layer shapes checked by the loader")
        }
    }

    /// Number of inputs the first layer takes.
    public var inputCount: Int { layers[0].inputs }
    /// Number of outputs of the last layer.
    public var outputCount: Int { layers[layers.count - 1].units }
    /// The widest layer, which sizes the scratch buffers.
    public var widestLayer: Int { layers.reduce(inputCount) { max($0, $1.units) } }

    /// Runs every layer on `rows` rows of `x` (rows × inputCount, row-major), using `scratch`
    /// for intermediate results, and calls `body` with the output (rows × outputCount, row-major).
    public func forward<R>(
        _ x: UnsafePointer<Double>, rows: Int, scratch: inout ForwardScratch,
        _ body: (UnsafePointer<Double>) throws -> R
    ) rethrows -> R {
        scratch.reserve(rows * widestLayer)
        return try scratch.a.withUnsafeMutableBufferPointer { a in
            try scratch.b.withUnsafeMutableBufferPointer { b in
                var input = x
                var output = a.baseAddress!
                var spare = b.baseAddress!
                for layer in layers {
                    layer.forward(input, rows: rows, into: output)
                    input = UnsafePointer(output)
                    swap(&output, &spare)
                }
                return try body(input)
            }
        }
    }
}

/// Two buffers a worker reuses for every chunk, so the forward pass allocates nothing per chunk.
public struct ForwardScratch {
    var a: [Double] = []
    var b: [Double] = []

    public init() {}

    mutating func reserve(_ count: Int) {
        if a.count < count {
            a = [Double](repeating: 0, count: count)
            b = [Double](repeating: 0, count: count)
        }
    }
}
