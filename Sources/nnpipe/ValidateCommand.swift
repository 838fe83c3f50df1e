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

            Prints what the pipeline will do: the input's columns used as
            features and carried, the layers and their shapes, and the
            output's columns. Exits 0 when all is well, otherwise with the
            status run would give.
            """
    )

    @OptionGroup var pipeline: PipelineOptions

    @OptionGroup var logging: LoggingOptions

    func run() throws {
        logging.bootstrap()
        do {
            let config = try pipeline.loadConfig()
            let runner = PipelineRunner(config: config)
            // Never wait on a person at a terminal: the header is checked when one is piped in.
            if config.read.inputs == ["-"], isatty(0) == 1 {
                _ = try runner.layout()
                Terminal.report("\(config.file): ok: the pipeline and its model; standard input is a terminal, so its header is not read (pipe the input in, or give --input, to check it)")
                return
            }
            let (plan, inputs) = try runner.prepare()
            try inputs.checkEveryHeader()
            let layout = try runner.layout()
            for line in PlanDescription.lines(plan, inputName: runner.inputName) { Terminal.report(line) }
            if inputs.files.count > 1 || InputFiles.isPattern(config.read.path) {
                Terminal.report("  inputs  \(inputs.files.count) file\(inputs.files.count == 1 ? "" : "s"), every header checked:")
                for (file, part) in zip(inputs.files, layout.isTemplate ? layout.parts : []) {
                    Terminal.report("          \(file) → \(part.output.path)")
                }
                if !layout.isTemplate { for file in inputs.files { Terminal.report("          \(file)") } }
            }
        } catch {
            throw Terminal.exitCode(for: error)
        }
    }
}
