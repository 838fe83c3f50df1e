/// A model file (or inline model, or scaler file) that cannot be used: missing, malformed, or
/// shapes that do not chain.
///
/// The readers of a model file's bytes do not know its name: they throw the problem alone
/// (``init(_:)``), and ``ModelFile`` names the file (``located(in:)``) before anyone sees it.
package struct ModelError: NNPipeError {
    /// The model file, or the pipeline file for an inline model; empty until the file is known.
    package var file: String
    package var line: Int?
    /// Where in the model, for example `layers[1].weights`.
    package var path: String
    package var problem: String
    /// The forward stage's key the problem is about (`activations`, `tensors`, `output`), when
    /// it is about what the pipeline asks of the file rather than the file itself.
    package var stageKey: StageKey?
    /// 78 (the file is wrong) unless the file is right but does not fit: 70 for a model past
    /// the address-space limit (``MemoryLimit``).
    package var status: ExitStatus = .config

    /// The forward stage's keys that ask something of a model file.
    package enum StageKey: String, Sendable {
        case model, activations, tensors, output
        case batchNormEpsilon = "batch_norm_eps"
        case layerNormEpsilon = "layer_norm_eps"
    }

    package init(file: String, line: Int? = nil, path: String = "", problem: String) {
        self.file = file
        self.line = line
        self.path = path
        self.problem = problem
    }

    /// A problem found in a file's bytes, before the file is named.
    init(_ problem: String) {
        self.init(file: "", problem: problem)
    }

    /// The same error naming `file`, unless it already names one.
    func located(in file: String) -> ModelError {
        var error = self
        if error.file.isEmpty { error.file = file }
        return error
    }

    package var message: String {
        let location = line.map { "\(file):\($0)" } ?? file
        let place = path.isEmpty ? location : location.isEmpty ? path : "\(location): \(path)"
        return place.isEmpty ? problem : "\(place): \(problem)"
    }

    package var exitStatus: ExitStatus { status }
}
