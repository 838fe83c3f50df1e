import ArgumentParser
import NNPipe

/// The pipeline (a file, or options alone), its inputs and the settings that override it,
/// shared by `run` and `validate`.
struct PipelineOptions: ParsableArguments {
    @Argument(help: ArgumentHelp(
        "The pipeline file (YAML; - for standard input), then inputs in place of its read.path (paths or glob patterns). With --model: the inputs only (none: standard input).",
        valueName: "pipeline-or-input"), completion: .file())
    var paths: [String] = []

    @Option(name: .shortAndLong, help: ArgumentHelp("Read this input instead of the pipeline's (- for standard input); repeat it for several.", valueName: "path"), completion: .file())
    var input: [String] = []

    @Option(name: .shortAndLong, help: ArgumentHelp("Write here instead of the pipeline's output (- for standard output).", valueName: "path"), completion: .file())
    var output: String?

    @Option(help: ArgumentHelp("Write rejected rows here (errors.rejects); with --on-error reject.", valueName: "path"), completion: .file())
    var rejects: String?

    @Option(help: ArgumentHelp("Worker threads, or auto for one per processor (default: the pipeline's execution.workers, else auto).", valueName: "n"), completion: .list(["auto"]))
    var workers: String?

    @Option(name: .customLong("chunk-rows"), help: ArgumentHelp("Rows per chunk (default: the pipeline's execution.chunk_rows, else 8192).", valueName: "n"))
    var chunkRows: Int?

    @Option(name: .customLong("on-error"), help: ArgumentHelp("What to do with a bad row: fail, skip or reject (default: the pipeline's errors.policy, else fail).", valueName: "policy"), completion: .list(ErrorPolicy.allCases.map(\.rawValue)))
    var onError: String?

    @Option(name: .customLong("set"), help: ArgumentHelp(
        "Set a key of the pipeline, the value read as YAML: write.gzip_level=6, 'read.path=in/*.csv' (sections read, write, forward and the other stages' kinds, execution, errors); repeatable.",
        valueName: "key=value"))
    var settings: [String] = []

    @OptionGroup(title: "Without a pipeline file") var commandLine: CommandLinePipelineOptions

    func validate() throws {
        if let workers, WorkerCount(workers) == nil { throw ValidationError("--workers must be auto or between 1 and 1024") }
        if let chunkRows, !(1...10_000_000).contains(chunkRows) { throw ValidationError("--chunk-rows must be between 1 and 10000000") }
        if let onError, ErrorPolicy(rawValue: onError) == nil { throw ValidationError("--on-error must be fail, skip or reject") }
        if commandLine.pipeline == nil, paths.isEmpty {
            throw ValidationError("give a pipeline file, or --model and --features for a pipeline without one")
        }
    }

    /// The pipeline as monitoring names it: its file, or `<command line>`.
    var pipelineName: String { commandLine.pipeline != nil ? CommandLinePipeline.name : paths.first ?? "" }

    /// Loads the pipeline with the command line's settings applied.
    func loadConfig() throws -> PipelineConfig {
        var overrides = PipelineOverrides(output: output, rejects: rejects, workers: workers.flatMap(WorkerCount.init),
                                          chunkRows: chunkRows, errorPolicy: onError.flatMap(ErrorPolicy.init(rawValue:)))
        for setting in settings { overrides.settings.append(try PipelineSetting.assignment(setting)) }
        if let pipeline = commandLine.pipeline {
            overrides.inputs = input + paths
            return try PipelineLoader.load(pipeline, overrides: overrides)
        }
        overrides.inputs = input + paths.dropFirst()
        return try PipelineLoader.load(path: paths[0], overrides: overrides)
    }
}
