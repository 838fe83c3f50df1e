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
            On a terminal a progress line shows while the run goes on
            (unless the data goes to standard output, a pipe or the terminal).
            Exit statuses: see nnpipe --help.
            """
    )

    @OptionGroup var pipeline: PipelineOptions

    @Option(name: .customLong("stats-json"), help: ArgumentHelp("Also write the run's figures as JSON to this file.", valueName: "path"), completion: .file())
    var statsJSON: String?

    @Option(name: .customLong("metrics-textfile"), help: ArgumentHelp("Also write the run's exit status, times and row counts in Prometheus' text format to this file (for node_exporter's textfile collector), whatever the exit.", valueName: "path"), completion: .file())
    var metricsTextfile: String?

    @Flag(name: .shortAndLong, help: "Print no summary line and no progress line.")
    var quiet = false

    @Flag(help: "Show progress even when standard error is not a terminal: a plain line (or, with --log-format json, a JSON record) every 10 seconds.")
    var progress = false

    @Option(name: .customLong("progress-interval"), help: ArgumentHelp("Seconds between progress reports (default: 0.25 on a terminal, 10 otherwise).", valueName: "seconds"))
    var progressInterval: Double?

    @Flag(name: .customLong("keep-going"), help: "With an output per input ({stem} in the output's name): after an input fails, go on with the next ones; the exit status is the first failure's.")
    var keepGoing = false

    @Flag(name: .customLong("skip-existing"), help: "Skip an input whose output (and rejects file, when it rejected a row) exists and is newer than the input, the pipeline file and the files it reads.")
    var skipExisting = false

    @Option(name: .customLong("min-rows"), help: ArgumentHelp("Fail (status 65, the output not written) when an output's inputs hold fewer rows than this; --min-rows 1 refuses an empty or header-only input.", valueName: "n"))
    var minRows: Int?

    @Option(name: .customLong("wait-lock"), help: ArgumentHelp("When another nnpipe is writing the same output, wait up to this many seconds for it (default: 0, stop at once with status 75).", valueName: "seconds"))
    var waitLock: Double = 0

    @Flag(name: .customLong("hadoop-counters"), help: "At the end, report the row counts as Hadoop Streaming counters on standard error (reporter:counter:nnpipe,ROWS_READ,N).")
    var hadoopCounters = false

    @Flag(help: "Continue a run that was stopped (Ctrl-C, SIGTERM, SIGHUP) or killed (SIGKILL, a reboot) where it stopped, from the journal kept beside its unfinished output; give the same command line plus --resume.")
    var resume = false

    @OptionGroup var logging: LoggingOptions

    /// The longest `--progress-interval`: a day.
    static let longestProgressInterval = 86_400.0

    func validate() throws {
        // NaN fails both comparisons: the range check refuses it with the infinities.
        if let progressInterval, !(progressInterval >= 0 && progressInterval <= Self.longestProgressInterval) {
            throw ValidationError("--progress-interval must be a number of seconds between 0 and 86400 (below 0.05: every 0.05)")
        }
        if let minRows, minRows < 0 {
            throw ValidationError("--min-rows must be a number of rows, 0 or more")
        }
        if !(waitLock >= 0 && waitLock <= 7 * 86400) {
            throw ValidationError("--wait-lock must be a number of seconds between 0 and 604800 (a week)")
        }
    }

    func run() throws {
        let started = Date()
        // Before any other thread starts: the signal mask is inherited by every thread.
        StandardStreams.occupyClosed()
        logging.bootstrap()
        DebugLog.route { Terminal.message($0, level: .debug) }
        // The run's outputs, locks and journals: the signal watcher cleans up through it.
        let registry = OutputRegistry()
        do {
            try SignalWatcher.install(registry: registry)
            try ProcessResources.ensureOpenFiles()
        } catch {
            throw Terminal.exitCode(for: error)
        }
        let runner: PipelineRunner
        do {
            let config = try pipeline.loadConfig()
            // The workers, the writer, the progress timer and the signal watch, alive at once.
            try ProcessResources.ensureThreads((config.execution.workers ?? ProcessorInfo.activeProcessors) + 3)
            runner = PipelineRunner(config: config, options: options, registry: registry)
        } catch {
            let code = Terminal.exitCode(for: error)
            // Monitoring learns of this failure too, where that cannot harm a file the run reads.
            let record = RunRecord(summary: RunSummary(), exitStatus: code.rawValue, error: (error as? any NNPipeError)?.message,
                                   startedAt: started, finishedAt: Date(), pipeline: pipeline.pipelineName)
            for (path, text, suffix) in [(statsJSON, record.json, ".json"), (metricsTextfile, record.prometheus, ".prom")] {
                if let path, RunRecord.mayWriteUnchecked(path, suffix: suffix, creating: true) { try? RunRecord.write(text, to: path, registry: registry) }
            }
            throw code
        }
        let config = runner.config
        Terminal.message("running \(config.file)", level: .info, metadata: [
            "input": .string(runner.inputName), "output": .string(config.write.path == "-" ? "<stdout>" : config.write.path),
            "workers": .stringConvertible(config.execution.workers ?? ProcessorInfo.activeProcessors),
            "chunk_rows": .stringConvertible(config.execution.chunkRows), "on_error": .string(config.errors.policy.rawValue),
        ])
        // Data on standard output may reach the terminal (`| head` prints it there) between two
        // draws of a line redrawn in place, and be glued to it: progress then comes as whole
        // lines, and only when asked for.
        let dataMayReachTerminal = ["-", "/dev/stdout"].contains(config.write.path) && Terminal.standardOutputMayReachTerminal
        let inPlace = Terminal.standardError.isTerminal && !dataMayReachTerminal
        let showProgress = progress || (!quiet && inPlace && logging.format == .text)
        let progressMode: ProgressLine.Mode = logging.format == .json ? .json : inPlace ? .terminal : .lines
        let progressLine = showProgress
            ? ProgressLine(progress: runner.progress, mode: progressMode, interval: progressInterval ?? (progressMode == .terminal ? 0.25 : 10))
            : nil
        progressLine?.start()
        let outcome = runner.run(statsFile: statsJSON, metricsFile: metricsTextfile)
        progressLine?.stop()
        let failure = outcome.failure
        var summary = outcome.summary
        summary.measurePeakMemory()
        // The error first, then the figures: a cron log reads top down.
        let exitCode = failure.map(Terminal.exitCode(for:))
        // With --keep-going, the later failures too, each on its line.
        for failed in summary.failedInputs.dropFirst() {
            Terminal.message(failed.message, level: .error, metadata: ["exit_status": .stringConvertible(failed.exitStatus)])
        }
        let brokenPipe = (failure as? OutputError)?.kind == .brokenPipe
        if !quiet && !brokenPipe { Terminal.message(summary.text, metadata: summary.metadata) }
        if failure == nil {
            RunReport.warnAboutBadRows(summary, rejects: config.errors.rejectsPath)
            RunReport.warnAboutEmptyInputs(summary)
        }
        if hadoopCounters {
            // Hadoop reads these exact lines, whatever the log format.
            for line in summary.hadoopCounters { Terminal.standardError.writeLine(line) }
        }
        let record = RunRecord(summary: summary, exitStatus: exitCode?.rawValue ?? 0,
                               error: failure.map { ($0 as? any NNPipeError)?.message ?? "\($0)" },
                               startedAt: started, finishedAt: Date(), pipeline: config.file)
        // The texts only where a file asks for them (`text` is called once, if at all).
        let records: [(RunLayout.Destination?, String?, () -> String, String)] = [
            (outcome.stats, statsJSON, { record.json }, ".json"), (outcome.metrics, metricsTextfile, { record.prometheus }, ".prom"),
        ]
        for (destination, path, text, suffix) in records {
            guard let destination else {
                // The paths failed their check: this one may be the very file in question.
                if let path, RunRecord.mayWriteUnchecked(path, suffix: suffix, creating: false) {
                    try? RunRecord.write(text(), to: path, registry: registry)
                }
                continue
            }
            do {
                try RunRecord.write(text(), to: destination, registry: registry)
            } catch {
                let code = Terminal.exitCode(for: error)
                if exitCode == nil { throw code }
            }
        }
        if let exitCode { throw exitCode }
    }
}
