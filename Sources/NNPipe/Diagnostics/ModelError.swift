/// A model file (or inline model) that cannot be used: malformed, or shapes that do not chain.
public struct ModelError: NNPipeError {
    /// The model file, or the pipeline file for an inline model.
    public var file: String
    public var line: Int?
    /// Where in the model, for example `layers[1].weights`.
    public var path: String
    public var problem: String

    public init(file: String, line: Int? = nil, path: String = "", problem: String) {
        self.file = file
        self.line = line
        self.path = path
        self.problem = problem
    }

    public var message: String {
        let location = line.map { "\(file):\($0)" } ?? file
        return path.isEmpty ? "\(location): \(problem)" : "\(location): \(path): \(problem)"
    }

    public var exitStatus: ExitStatus { .config }
}
