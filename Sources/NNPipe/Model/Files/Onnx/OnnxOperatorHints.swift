/// What nnpipe runs in an ONNX graph, and for operators it refuses, the exporter option that
/// avoids them, for messages that say what to do.
enum OnnxOperatorHints {
    /// The operators and patterns nnpipe runs, for messages.
    static let supported = "Gemm, MatMul, Add (bias), BatchNormalization (inference, after a layer), Relu, Sigmoid, Tanh, Softmax, LogSoftmax, LeakyRelu, Elu, Celu, Selu, Gelu, Softplus, Mish, HardSwish, HardSigmoid (PyTorch's), Softsign, Clip (constant bounds), these and SiLU, log-sigmoid and relu6 written out as elementwise nodes, Sigmoid with Sub from 1 and Concat ([1-p, p]), Sub/Add/Mul/Div by constants and ai.onnx.ml Scaler before the first layer, Cast to float or double, Reshape of the output to (N, k), ZipMap (as one column per class), Identity, Dropout, Flatten, Constant, Transpose of a weight"

    /// The exporter option that avoids operator `opType`, when one does.
    static func hint(for opType: String) -> String? {
        switch opType {
        case "ArgMax", "ArrayFeatureExtractor", "LabelEncoder":
            return "this output gives class labels; run the probabilities output (output: in the forward stage) and add an argmax stage with labels"
        case "Erf", "Pow":
            return "PyTorch writes GELU as Div/Erf/Add/Mul/Mul (or Mul/Pow/Tanh) below opset 20; export with opset_version=20 or later to get one Gelu node"
        case "BatchNormalization":
            return "export the model in eval mode (model.eval()), after a Linear layer"
        case "Dropout":
            return "export the model in eval mode (model.eval())"
        case "Normalizer":
            return "nnpipe runs StandardScaler (Sub/Div or Scaler) before the first layer; use a scale stage for other preprocessing"
        default:
            return nil
        }
    }

    /// The hint for a run of elementwise operators: GELU's, when it has Erf or Pow.
    static func hint(forRun opTypes: [String]) -> String? {
        opTypes.contains("Erf") || opTypes.contains("Pow") ? hint(for: "Erf") : nil
    }

    /// The refusal of `node`'s operator, with the hint when there is one.
    static func refusal(_ node: OnnxModel.Node) -> ModelError {
        var text = "\(node.label): operator '\(node.opType)'\(node.domain.isEmpty ? "" : " (domain \(node.domain))") is not supported"
        if let hint = hint(for: node.opType) { text += "; \(hint)" } else { text += "; nnpipe runs \(supported)" }
        return ModelError(text)
    }
}
