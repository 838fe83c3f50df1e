import ArgumentParser
import Foundation
import NNPipe

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a pipeline: read, run the model on every row, write the activations.",
        discussion: """
            Examples:
              nnpipe run pipelines/seed.yaml
              zcat x.csv.gz | nnpipe run p.yaml --input - --output - | sort
              nnpipe run p.yaml --on-error reject --stats-json stats.json

            A file output is written to a temporary file beside it and
            renamed into place only when the run succeeds; on failure or
            interruption an earlier file is left untouched. One summary
            line goes to standard error at the end (--quiet hides it).
            Exit statuses: see nnpipe --help.
            """
    )

    @OptionGroup var pipeline: PipelineOptions

    @Option(name: .customLong("stats-json"), help: ArgumentHelp("Also write the run's figures as JSON to this file.", valueName: "path"))
    var statsJSON: String?

    @Flag(name: .shortAndLong, help: "Print no summary line.")
    var quiet = false

    @Flag(name: .customLong("hadoop-counters"), help: "At the end, report the row counts as Hadoop Streaming counters on standard error (reporter:counter:nnpipe,ROWS_READ,N).")
    var hadoopCounters = false

    func run() throws {
        Terminal.installSignalHandlers()
        let runner: PipelineRunner
        do {
            runner = PipelineRunner(config: try pipeline.loadConfig())
        } catch {
            throw Terminal.exitCode(for: error)
        }
        var failure: Error?
        do {
            _ = try runner.run()
        } catch {
            failure = error
        }
        var summary = runner.summary
        summary.measurePeakMemory()
        // The error first, then the figures: a cron log reads top down.
        let exitCode = failure.map(Terminal.exitCode(for:))
        let brokenPipe = (failure as? OutputError)?.kind == .brokenPipe
        if !quiet && !brokenPipe { Terminal.message(summary.line) }
        if hadoopCounters {
            for line in summary.hadoopCounters { Terminal.message(line) }
        }
        if let statsJSON {
            do {
                let stats = try OutputFile(path: statsJSON)
                try stats.write(Array(summary.json.utf8))
                try stats.commit()
            } catch {
                let code = Terminal.exitCode(for: error)
                if exitCode == nil { throw code }
            }
        }
        if let exitCode { throw exitCode }
    }
}
