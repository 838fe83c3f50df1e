/// A transform stage between `read` and `write`; each works on the current values of every row
/// (first the features, then whatever the stage before produced).
public enum TransformStageConfig: Sendable {
    case scale(ScaleStageConfig)
    case forward(ForwardStageConfig)
    case softmax
    case rank(RankStageConfig)

    /// The stage's kind as written in pipeline files.
    public var kind: String {
        switch self {
        case .scale: "scale"
        case .forward: "forward"
        case .softmax: "softmax"
        case .rank(let rank): rank.k == 1 && rank.isArgmax ? "argmax" : "top_k"
        }
    }
}

/// The `scale` stage: `(x - offset) / divisor` per value, which is standardization
/// (`mean`, `scale`, as scikit-learn's `StandardScaler` stores them) or min-max scaling
/// (`offset` = min, `divisor` = max - min); or, with `factor`, `x * factor + offset`, in that
/// order, as scikit-learn's `MinMaxScaler.transform` computes it from `scale_` and `min_`, then
/// clipped to `clip` when given (`clip=True`).
public struct ScaleStageConfig: Sendable {
    public var offset: [Double]
    public var divisor: [Double]
    /// `standard` or `min-max`, for messages and `validate`.
    public var method: String
    /// Where the numbers came from (`inline` or the file).
    public var source: String
    /// When set, values become `x * factor + offset` (and `divisor` is unused).
    public var factor: [Double]?
    /// The range results are clipped to (`MinMaxScaler(clip=True)`), if any.
    public var clip: ClosedRange<Double>?

    public init(offset: [Double], divisor: [Double], method: String, source: String,
                factor: [Double]? = nil, clip: ClosedRange<Double>? = nil) {
        self.offset = offset
        self.divisor = divisor
        self.method = method
        self.source = source
        self.factor = factor
        self.clip = clip
    }
}

/// Arithmetic precision of a forward stage.
public enum ForwardPrecision: String, Sendable {
    /// numpy float64.
    case float64
    /// Values rounded to float32 wherever a float32 model stores them (inputs, weights, every
    /// layer's pre-activation and output), for models trained in float32.
    case float32
}

/// The `forward` stage: a dense network, from a model file or written inline.
public struct ForwardStageConfig: Sendable {
    public var network: Network
    /// Where the model came from (`sample-data/seed-model.json`, or `inline`).
    public var source: String
    public var precision: ForwardPrecision = .float64
    /// Hidden layers (0-based indices into `network.layers`) whose activations are written too.
    public var hiddenOutputs: [Int] = []
    /// Whether the last layer's activations go on (to the next stage or the output). False when
    /// only hidden layers are wanted; the network then stops at the last of them.
    public var keepsFinal: Bool = true
    /// How a model file's layer order was decided, for `validate`; nil for inline layers.
    public var layerOrder: LayerOrder?
    /// Elementwise steps the model file applies to the inputs before its first layer (an ONNX
    /// graph's scaler), in order.
    public var inputSteps: [InputStep] = []

    public init(network: Network, source: String) {
        self.network = network
        self.source = source
    }
}

/// The `argmax` and `top_k` stages: the k largest values of each row, as class indices (or
/// labels) and their values.
public struct RankStageConfig: Sendable {
    public var k: Int
    /// Written as `argmax` (k is 1).
    public var isArgmax: Bool
    /// Class labels by index, or nil to write the index.
    public var labels: [String]?
    /// Whether the values ranked are written too, before the class columns.
    public var keepValues: Bool
}
