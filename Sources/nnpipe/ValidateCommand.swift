import ArgumentParser
import Glibc
import NNPipe

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a pipeline file, its model and the input's header without processing rows.",
        discussion: """
            Example:
              nnpipe validate pipelines/seed.yaml
              nnpipe validate pipelines/seed.yaml --json

            Prints on standard output what the pipeline will do: the input's
            columns used as features and carried, the layers and their
            shapes, and the output's columns (--json: as one JSON object).
            Exits 0 when all is well, otherwise with the status run would
            give, the problem on standard error.
            """
    )

    @OptionGroup var pipeline: PipelineOptions

    @Flag(help: "Print the report as one JSON object (pipeline, inputs, read, stages, write, tests, execution).")
    var json = false

    @OptionGroup var logging: LoggingOptions

    func run() throws {
        logging.bootstrap()
        do {
            let config = try pipeline.loadConfig()
            let runner = PipelineRunner(config: config)
            // Never wait on a person at a terminal: the header is checked when one is piped in.
            if config.read.inputs == ["-"], isatty(0) == 1 {
                _ = try runner.layout()
                let note = "standard input is a terminal, so its header is not read (pipe the input in, or give --input, to check it)"
                Terminal.output(json ? ValidateReport.line(ValidateReport.unreadHeader(pipeline: config.file, note: note))
                                     : "\(config.file): ok: the pipeline and its model; \(note)")
                return
            }
            let (plan, inputs) = try runner.prepare()
            try inputs.checkEveryHeader()
            let layout = try runner.layout()
            let outputs = layout.isTemplate ? layout.parts.map(\.output.path) : nil
            if json {
                let report = ValidateReport.object(plan, inputName: runner.inputName, files: inputs.files, outputs: outputs)
                Terminal.output(ValidateReport.line(report))
                return
            }
            for line in PlanDescription.lines(plan, inputName: runner.inputName) { Terminal.output(line) }
            if inputs.files.count > 1 || InputFiles.isPattern(config.read.path) {
                Terminal.output("  inputs  \(inputs.files.count) file\(inputs.files.count == 1 ? "" : "s"), every header checked:")
                for (file, output) in zip(inputs.files, outputs ?? []) { Terminal.output("          \(file) → \(output)") }
                if outputs == nil { for file in inputs.files { Terminal.output("          \(file)") } }
            }
        } catch {
            throw Terminal.exitCode(for: error)
        }
    }
}
