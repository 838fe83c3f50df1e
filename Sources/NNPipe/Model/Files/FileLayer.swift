/// A dense layer as a model file defines it, with where its numbers came from (for `nnpipe
/// inspect` and the `tensors:` block a refusal offers).
package struct FileLayer: Sendable {
    /// The layer: shapes, weights (inputs × units, row-major, already transposed when the file
    /// stores units × inputs), bias (zeros when the file has none) and name (`fc1`, `0`, `W1`,
    /// an ONNX node's name). Its activation counts only when the file gives one (``activation``).
    package internal(set) var dense: DenseLayer
    /// Whether the file gives the layer's activation (ONNX, JSON); npz and safetensors do not.
    private var givesActivation: Bool
    /// The tensors the layer came from, for `nnpipe inspect`.
    package var weightsTensor: String?
    package var biasTensor: String?
    /// Whether the stored weights were units × inputs (PyTorch's `nn.Linear`, ONNX `Gemm transB=1`).
    package var transposed: Bool
    /// The batch norm folded into the layer's weights and bias (its prefix, `net.1`), if any.
    package var batchNorm: String?
    /// The tensors of that batch norm the fold used, for `nnpipe inspect`.
    package var batchNormTensors: [String] = []
    /// The learned slopes of the `nn.PReLU` after the layer in a `state_dict` (one, or one per
    /// unit), which a bare `prelu` in the pipeline's `activations:` stands for; nil when none.
    package var fileSlopes: [Double]?
    /// What the file adds to the layer besides its weights (`layer norm 1`, `PReLU 2`), for
    /// `nnpipe inspect`.
    package var modules: [String] = []
    /// The tensors those modules were read from (used, for `nnpipe inspect`).
    package var moduleTensors: [String] = []
    /// Where the folded batch norm's epsilon came from, for `nnpipe inspect`.
    package var batchNormEpsilonSource = "the forward stage's batch_norm_eps"

    /// `dense` as the file defines it; `givesActivation` says whether its activation is the
    /// file's own or a placeholder for the pipeline's.
    init(_ dense: DenseLayer, givesActivation: Bool, weightsTensor: String? = nil, biasTensor: String? = nil,
         transposed: Bool = false) {
        self.dense = dense
        self.givesActivation = givesActivation
        self.weightsTensor = weightsTensor
        self.biasTensor = biasTensor
        self.transposed = transposed
    }

    /// The activation the file gives (ONNX, JSON), or nil when the pipeline must give it (npz, safetensors).
    package var activation: Activation? {
        get { givesActivation ? dense.activation : nil }
        set {
            dense.activation = newValue ?? .identity
            givesActivation = newValue != nil
        }
    }

    /// The layer's name in the file.
    package var name: String? { dense.name }
    /// The layer's inputs (rows of its weights) and units (columns).
    package var inputs: Int { dense.inputs }
    package var units: Int { dense.units }

    /// Every tensor the layer was built from.
    package var usedTensors: [String] {
        [weightsTensor, biasTensor].compactMap { $0 } + batchNormTensors + moduleTensors
    }

    /// Builds a layer from a 2-D weight tensor and an optional 1-D bias tensor, checking shapes
    /// and values; `transpose` reads the weights as units × inputs.
    static func from(weights: Tensor, bias: Tensor?, transpose: Bool, name: String?, activation: Activation? = nil,
                     scale: Double = 1, biasScale: Double = 1) throws(ModelError) -> FileLayer {
        guard weights.shape.count == 2, weights.shape[0] > 0, weights.shape[1] > 0 else {
            throw ModelError("weights '\(weights.name)' have shape \(weights.shapeText); a dense layer's weights are a non-empty 2-D matrix")
        }
        try weights.checkUsable()
        try checkFinite(weights)
        let (rows, columns) = (weights.shape[0], weights.shape[1])
        let (inputs, units) = transpose ? (columns, rows) : (rows, columns)
        var matrix = weights.values
        if transpose {
            for i in 0..<inputs { for u in 0..<units { matrix[i * units + u] = weights.values[u * inputs + i] } }
        }
        if scale != 1 { matrix = matrix.map { $0 * scale } }
        var biasValues = [Double](repeating: 0, count: units)
        if let bias {
            biasValues = try biasVector(bias, units: units, weights: weights.name, transposed: transpose)
            if biasScale != 1 { biasValues = biasValues.map { $0 * biasScale } }
        }
        let dense = DenseLayer(inputs: inputs, units: units, weights: matrix, bias: biasValues, activation: activation ?? .identity, name: name)
        return FileLayer(dense, givesActivation: activation != nil, weightsTensor: weights.name, biasTensor: bias?.name, transposed: transpose)
    }

    /// A bias tensor's `units` values: 1-D (units), or (1, units) as some exporters keep it; a
    /// single value broadcasts.
    static func biasVector(_ bias: Tensor, units: Int, weights: String, transposed: Bool) throws(ModelError) -> [Double] {
        try bias.checkUsable()
        try checkFinite(bias)
        let isRow = bias.shape.count == 1 || (bias.shape.count == 2 && bias.shape[0] == 1)
        if isRow && bias.values.count == units { return bias.values }
        if bias.values.count == 1 && bias.shape.count <= 1 { return [Double](repeating: bias.values[0], count: units) }
        throw ModelError("bias '\(bias.name)' has shape \(bias.shapeText) but weights '\(weights)' (\(transposed ? "units × inputs" : "inputs × units")) have \(units) units")
    }

    static func checkFinite(_ tensor: Tensor) throws(ModelError) {
        if let index = tensor.values.firstIndex(where: { !$0.isFinite }) {
            throw ModelError("tensor '\(tensor.name)' holds \(tensor.values[index]) at flat index \(index); weights must be finite")
        }
    }
}
