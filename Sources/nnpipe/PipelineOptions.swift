import ArgumentParser
import NNPipe

/// The pipeline file and the settings that override it, shared by `run` and `validate`.
struct PipelineOptions: ParsableArguments {
    @Argument(help: "The pipeline file (YAML).")
    var pipeline: String

    @Option(help: ArgumentHelp("Read this input instead of the pipeline's (- for standard input).", valueName: "path"))
    var input: String?

    @Option(help: ArgumentHelp("Write here instead of the pipeline's output (- for standard output).", valueName: "path"))
    var output: String?

    @Option(help: ArgumentHelp("Worker threads (default: the pipeline's execution.workers, else one per processor).", valueName: "n"))
    var workers: Int?

    @Option(name: .customLong("chunk-rows"), help: ArgumentHelp("Rows per chunk (default: the pipeline's execution.chunk_rows, else 8192).", valueName: "n"))
    var chunkRows: Int?

    @Option(name: .customLong("on-error"), help: ArgumentHelp("What to do with a bad row: fail, skip or reject (default: the pipeline's errors.policy, else fail).", valueName: "policy"))
    var onError: String?

    func validate() throws {
        if let workers, !(1...1024).contains(workers) { throw ValidationError("--workers must be between 1 and 1024") }
        if let chunkRows, !(1...10_000_000).contains(chunkRows) { throw ValidationError("--chunk-rows must be between 1 and 10000000") }
        if let onError, ErrorPolicy(rawValue: onError) == nil { throw ValidationError("--on-error must be fail, skip or reject") }
    }

    /// Loads the pipeline file with the command line's settings applied.
    func loadConfig() throws -> PipelineConfig {
        let overrides = PipelineOverrides(input: input, output: output, workers: workers, chunkRows: chunkRows,
                                          errorPolicy: onError.flatMap(ErrorPolicy.init(rawValue:)))
        return try PipelineLoader.load(path: pipeline).applying(overrides)
    }
}
