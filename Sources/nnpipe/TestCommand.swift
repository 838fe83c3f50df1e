import ArgumentParser
import NNPipe

struct TestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Run the self-tests in pipeline files' tests: sections.",
        discussion: """
            Example:
              nnpipe test pipelines/*.yaml

            Each test's rows go through the pipeline's stages as a run's
            rows do; one line per test on standard output:
              PASS name
              FAIL name: row R column C (NAME) expected X got Y (tolerance T)
            Exit statuses: 0 all passed, 1 a test failed, 78 a pipeline
            file (or its tests: section) is wrong or has no tests.
            """
    )

    @Argument(help: "Pipeline files (YAML) with a tests: section.", completion: .file(extensions: ["yaml", "yml"]))
    var pipelines: [String]

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        if pipelines.isEmpty { throw ValidationError("give at least one pipeline file") }
    }

    func run() throws {
        logging.bootstrap()
        var worst: Int32 = 0
        for path in pipelines {
            do {
                let config = try PipelineLoader.load(path: path, requiringTests: true)
                let outcomes = try PipelineTester.run(config)
                for outcome in outcomes { Terminal.output(outcome.line(file: path)) }
                let failed = outcomes.filter { !$0.passed }.count
                Terminal.message("\(path): \(outcomes.count - failed) passed, \(failed) failed",
                                 metadata: ["passed": .stringConvertible(outcomes.count - failed), "failed": .stringConvertible(failed)])
                if failed > 0 { worst = max(worst, 1) }
            } catch {
                worst = max(worst, Terminal.exitCode(for: error).rawValue)
            }
        }
        if worst != 0 { throw ExitCode(worst) }
    }
}
