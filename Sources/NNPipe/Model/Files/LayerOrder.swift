/// How the order of a model's layers was decided, for `nnpipe inspect` and `nnpipe validate`:
/// never a guess. npz and safetensors files store their tensors in no meaningful order, so
/// their layers are ordered by the numbers in the names, or by the only chain of shapes, or as
/// the pipeline's `tensors:` lists them; anything else is refused (``TensorLayers``).
package enum LayerOrder: Sendable, Equatable {
    /// An ONNX file: the graph connects the layers.
    case graph
    /// nnpipe's JSON: the file lists the layers.
    case file
    /// A Keras model: its config lists the layers (a Sequential model, or a Functional chain).
    case kerasConfig
    /// The forward stage's `tensors:` lists the layers.
    case listed
    /// Every layer name has the same skeleton and differs only in its numbers (`fc1`, `fc2`;
    /// `net.0`, `net.2`; `W0`, `W1`), ordered by them; the layer names in that order.
    case numbered([String])
    /// The names carry no order, and exactly one order of the layers chains by shape.
    case shapes
    /// The file holds one layer.
    case single

    /// The text after `order: `.
    package var description: String {
        switch self {
        case .graph: "the ONNX graph"
        case .file: "the file (JSON)"
        case .kerasConfig: "the Keras model's config"
        case .listed: "as listed in tensors:"
        case .numbered(let names): "by the numbers in the names (\(names.prefix(2).joined(separator: ", "))\(names.count > 2 ? ", …" : ""))"
        case .shapes: "by shape, the only chain that fits"
        case .single: "one layer"
        }
    }

    /// The order in `validate --json` and `inspect --json`: a short rule name, the names it
    /// used, and the text above.
    package var reportFields: [String: Any] {
        var fields: [String: Any] = ["description": description]
        switch self {
        case .graph: fields["rule"] = "graph"
        case .file: fields["rule"] = "file"
        case .kerasConfig: fields["rule"] = "keras-config"
        case .listed: fields["rule"] = "listed"
        case .numbered(let names): fields["rule"] = "numbered"; fields["names"] = names
        case .shapes: fields["rule"] = "shapes"
        case .single: fields["rule"] = "single"
        }
        return fields
    }

    /// Whether the order came from the names alone, so a shape mismatch may mean the names
    /// mislead rather than the file being broken.
    var isFromNames: Bool {
        if case .numbered = self { return true }
        return false
    }
}
