/// scikit-learn preprocessing steps that skl2onnx writes before an MLP's layers and that nnpipe
/// does not run, told apart by the nodes skl2onnx writes for them, so that a refusal names the
/// step the user put in the `Pipeline` rather than an operator of skl2onnx's making:
///
/// - `Normalizer`: the `ai.onnx.ml` `Normalizer` operator, or a norm of each row computed from the
///   graph's input (`ReduceSumSquare`, `ReduceL1`, `ReduceL2` or `ReduceMax`), or a node named
///   `Normalizer…` (skl2onnx's `NormalizerNorm`);
/// - `PolynomialFeatures`: `ArrayFeatureExtractor` picking columns of the graph's input,
///   multiplied with `ReduceProd` (and joined with `Concat`).
enum SklearnSteps {
    /// The step the nodes feeding a graph output begin with, when they are one of the above.
    static func step(in nodes: [OnnxModel.Node], input: String) -> String? {
        let readsInput = nodes.filter { $0.inputs.first == input }
        let rowNorms: Set<String> = ["ReduceSumSquare", "ReduceL1", "ReduceL2", "ReduceMax"]
        if nodes.contains(where: { $0.opType == "Normalizer" || $0.name.hasPrefix("Normalizer") })
            || readsInput.contains(where: { rowNorms.contains($0.opType) }) {
            return "Normalizer"
        }
        if readsInput.contains(where: { $0.opType == "ArrayFeatureExtractor" }), nodes.contains(where: { $0.opType == "ReduceProd" }) {
            return "PolynomialFeatures"
        }
        return nil
    }

    /// The refusal of a graph that begins with `step`.
    static func refusal(_ step: String) -> ModelError {
        ModelError("the graph begins with scikit-learn's \(step) (as skl2onnx writes it), which nnpipe does not run; nnpipe runs a StandardScaler or MinMaxScaler before an MLP (in the graph, or as a scale stage): export the MLP without the \(step) step, or apply \(step) before nnpipe")
    }
}
