/// A problem in a pipeline file: where (file, line, column, key path) and what.
public struct ConfigError: NNPipeError {
    /// The pipeline file, as the user named it.
    public var file: String
    /// 1-based line and column in the file, when known.
    public var line: Int?
    public var column: Int?
    /// The YAML key path, for example `stages[1].forward.model`.
    public var keyPath: String
    public var problem: String

    public init(file: String, line: Int? = nil, column: Int? = nil, keyPath: String, problem: String) {
        self.file = file
        self.line = line
        self.column = column
        self.keyPath = keyPath
        self.problem = problem
    }

    public var message: String {
        var location = file
        if let line { location += ":\(line)" }
        if let column { location += ":\(column)" }
        let path = keyPath.isEmpty ? "" : "\(keyPath): "
        return "\(location): \(path)\(problem)"
    }

    public var exitStatus: ExitStatus { .config }
}

/// Several configuration problems found together, reported one per line.
public struct ConfigErrors: NNPipeError {
    public var errors: [ConfigError]
    public init(_ errors: [ConfigError]) { self.errors = errors }
    public var message: String { errors.map(\.message).joined(separator: "\n") }
    public var exitStatus: ExitStatus { .config }
}
