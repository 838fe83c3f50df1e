/// Settings from the command line that replace the pipeline file's, so one pipeline serves in a
/// Unix chain (`--input - --output -`).
public struct PipelineOverrides: Sendable {
    public var input: String?
    public var output: String?
    public var workers: Int?
    public var chunkRows: Int?
    public var errorPolicy: ErrorPolicy?

    public init(input: String? = nil, output: String? = nil, workers: Int? = nil, chunkRows: Int? = nil,
                errorPolicy: ErrorPolicy? = nil) {
        self.input = input
        self.output = output
        self.workers = workers
        self.chunkRows = chunkRows
        self.errorPolicy = errorPolicy
    }
}

extension PipelineConfig {
    /// The configuration with the command line's settings in place of the file's.
    /// Paths given on the command line are used as given (relative to the working folder).
    public func applying(_ overrides: PipelineOverrides) throws -> PipelineConfig {
        var config = self
        if let input = overrides.input {
            config.read.path = input
            config.read.pathOrigin = .commandLine("--input")
        }
        if let output = overrides.output {
            config.write.path = output
            config.write.pathOrigin = .commandLine("--output")
        }
        if let workers = overrides.workers { config.execution.workers = workers }
        if let chunkRows = overrides.chunkRows { config.execution.chunkRows = chunkRows }
        if let policy = overrides.errorPolicy {
            config.errors.policy = policy
            if policy == .reject, config.errors.rejectsPath == nil {
                throw ConfigError(file: file, keyPath: "errors.rejects",
                                  problem: "--on-error reject needs a rejects file in the pipeline (errors.rejects)")
            }
        }
        return config
    }
}
