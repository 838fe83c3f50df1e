import ArgumentParser
import Foundation
import Logging
import NNPipe

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a pipeline: read, run the model on every row, write the activations.",
        discussion: """
            Examples:
              nnpipe run pipelines/seed.yaml
              zcat x.csv.gz | nnpipe run p.yaml --input - --output - | sort
              nnpipe run p.yaml --on-error reject --rejects rejects.csv
              nnpipe run p.yaml in/*.csv --set write.gzip_level=6 -o out.csv.gz
              nnpipe run --model m.json --features x1,x2 --carry id in.csv

            A file output is written to a temporary file beside it and
            renamed into place only when the run succeeds; on failure or
            interruption an earlier file is left untouched. One summary
            line goes to standard error at the end (--quiet hides it).
            On a terminal a progress line shows while the run goes on.
            Exit statuses: see nnpipe --help.
            """
    )

    @OptionGroup var pipeline: PipelineOptions

    @Option(name: .customLong("stats-json"), help: ArgumentHelp("Also write the run's figures as JSON to this file.", valueName: "path"))
    var statsJSON: String?

    @Flag(name: .shortAndLong, help: "Print no summary line and no progress line.")
    var quiet = false

    @Flag(help: "Show the progress line even when standard error is not a terminal.")
    var progress = false

    @Flag(name: .customLong("hadoop-counters"), help: "At the end, report the row counts as Hadoop Streaming counters on standard error (reporter:counter:nnpipe,ROWS_READ,N).")
    var hadoopCounters = false

    @OptionGroup var logging: LoggingOptions

    func run() throws {
        // Before any other thread starts: the signal mask is inherited by every thread.
        StandardStreams.occupyClosed()
        logging.bootstrap()
        do {
            try SignalWatcher.install()
            try ProcessResources.ensureOpenFiles()
        } catch {
            throw Terminal.exitCode(for: error)
        }
        let runner: PipelineRunner
        do {
            let config = try pipeline.loadConfig()
            // The workers, the writer and the progress timer, alive at once.
            try ProcessResources.ensureThreads((config.execution.workers ?? ProcessorInfo.activeProcessors) + 2)
            runner = PipelineRunner(config: config)
        } catch {
            throw Terminal.exitCode(for: error)
        }
        let config = runner.config
        Terminal.message("running \(config.file)", level: .info, metadata: [
            "input": .string(runner.inputName), "output": .string(config.write.path == "-" ? "<stdout>" : config.write.path),
            "workers": .stringConvertible(config.execution.workers ?? ProcessorInfo.activeProcessors),
            "chunk_rows": .stringConvertible(config.execution.chunkRows), "on_error": .string(config.errors.policy.rawValue),
        ])
        let showProgress = progress || (!quiet && Terminal.standardError.isTerminal && logging.format == .text)
        let progressLine = showProgress ? ProgressLine(progress: runner.progress) : nil
        progressLine?.start()
        var failure: Error?
        do {
            _ = try runner.run(statsFile: statsJSON)
        } catch {
            failure = error
        }
        progressLine?.stop()
        var summary = runner.summary
        summary.measurePeakMemory()
        // The error first, then the figures: a cron log reads top down.
        let exitCode = failure.map(Terminal.exitCode(for:))
        let brokenPipe = (failure as? OutputError)?.kind == .brokenPipe
        if !quiet && !brokenPipe { Terminal.message(summary.text, metadata: summary.metadata) }
        if hadoopCounters {
            // Hadoop reads these exact lines, whatever the log format.
            for line in summary.hadoopCounters { Terminal.standardError.writeLine(line) }
        }
        // Not when the paths failed their check: the stats path may be the very file in question.
        if let stats = runner.checkedLayout?.stats {
            do {
                let stats = try OutputFile(path: stats.path, target: stats.target, brokenPipeIsQuiet: false)
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

extension RunSummary {
    /// The figures as log metadata (the JSON log format's `metadata` object).
    var metadata: Logger.Metadata {
        ["succeeded": .stringConvertible(succeeded), "rows_read": .stringConvertible(rowsRead),
         "rows_written": .stringConvertible(rowsWritten), "rows_skipped": .stringConvertible(rowsSkipped),
         "rows_rejected": .stringConvertible(rowsRejected), "rows_discarded": .stringConvertible(rowsDiscarded),
         "outputs_kept": .array(outputsKept.map { .string($0) }), "outputs_removed": .array(outputsRemoved.map { .string($0) }),
         "seconds": .stringConvertible(seconds),
         "rows_per_second": .stringConvertible((rowsPerSecond * 10).rounded() / 10),
         "peak_rss_bytes": .stringConvertible(peakRSSBytes)]
    }
}
