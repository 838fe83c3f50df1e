import CCPU
import Dispatch
import Foundation

/// Runs a pipeline: reads the input in chunks, processes chunks in parallel, writes them in order.
///
/// ```
///  input ─▶ decoder? ─▶ RecordSplitter ──chunks 0,1,2…──▶ ┌ worker: parse · forward · encode ┐
///    (parts decoded on     (the reader, sequential)       │ worker: …                        │ WorkerPool
///     Dispatch's pool)                                    └ worker: …                        ┘ (Dispatch)
///                                        OrderedWriter (serial queue) ◀── results, any order
///                                            └─▶ output temp file ─▶ rename on success
/// ```
/// The chunks in flight are bounded by their count and their input bytes (``ChunksInFlight``,
/// where the reader waits and the writer gives room back as each chunk is written), so memory does
/// not grow with the input. Each worker owns a ``ChunkProcessor``; at most `workers` run at once
/// (``WorkerPool``). Output bytes do not depend on the worker count or on scheduling.
package final class PipelineRunner {
    package let config: PipelineConfig
    /// The inputs with glob patterns expanded, once, when the runner is made; an error (a pattern
    /// that matches nothing) is thrown by the first step that needs the inputs.
    private let files: Result<[String], any Error>

    /// How the runner runs (the `run` command's options, where notices go).
    package let options: RunOptions
    /// The outputs, locks and journals of the run, for a signal handler to clean up: the run's
    /// own, shared with the process's signal watcher.
    package let registry: OutputRegistry

    package init(config: PipelineConfig, options: RunOptions = RunOptions(), registry: OutputRegistry = OutputRegistry()) {
        self.config = config
        self.options = options
        self.registry = registry
        let template = OutputNameTemplate.isTemplate(config.write.path) ? config.write.path : nil
        files = Result { try InputFiles.expand(config.read.inputs, outputTemplate: template) }
        progress.start(bytesTotal: (try? files.get()).flatMap(RunProgress.totalSize))
    }

    /// How far the current run has got, for a progress display on another thread.
    package let progress = RunProgress()

    /// The input's display name for messages (the first input's, when there are several).
    package var inputName: String { InputOpener.displayName(config.read.path) }

    /// Opens the inputs (glob patterns expanded) and reads the first record, checking the columns
    /// against the pipeline. Returns the plan and the inputs positioned after the header.
    package func prepare() throws -> (plan: PipelinePlan, inputs: InputSequence) {
        try prepare(files: files.get())
    }

    func prepare(files: [String]) throws -> (plan: PipelinePlan, inputs: InputSequence) {
        let read = config.read
        let inputs = try InputSequence(files: files, read: read, pipelineFile: config.file,
                                       decoders: config.execution.workers ?? ProcessorInfo.activeProcessors,
                                       parallelGzip: config.execution.parallelGzip)
        let name = InputOpener.displayName(files[0])
        // Rejects lines name their input when one rejects file gathers several inputs' rows.
        let sharedRejects = !(config.errors.rejectsPath.map(OutputNameTemplate.isTemplate) ?? false)
        let plan = try PipelinePlan(config: config, firstRecord: inputs.firstRecord, inputName: name,
                                    rejectsNameFile: files.count > 1 || (OutputNameTemplate.isTemplate(config.write.path) && sharedRejects))
        return (plan, inputs)
    }

    /// Every path the run writes, resolved and checked against each other and against what it
    /// reads (``RunLayout``); `statsFile` is `--stats-json`'s.
    package func layout(statsFile: String? = nil, metricsFile: String? = nil) throws -> RunLayout {
        try RunLayout(config: config, files: files.get(), statsFile: statsFile, metricsFile: metricsFile)
    }

    /// Runs the pipeline to the end and returns its figures (in total and per input) with the error
    /// it stopped on, if any. On success the outputs are renamed into place; on an error they are
    /// removed, earlier files at the targets stay as they were, and the figures count up to the
    /// failure and say what was kept and removed.
    ///
    /// With an output name template, each input has its own output, renamed into place when that
    /// input is done: a failure leaves the outputs of the inputs before it, and their rejected
    /// rows (their own rejects files, or a shared rejects file cut back to their rows).
    package func run(statsFile: String? = nil, metricsFile: String? = nil) -> RunOutcome {
        let started = DispatchTime.now()
        var summary = RunSummary()
        var stats: RunLayout.Destination?
        var metrics: RunLayout.Destination?
        var failure: (any Error)?
        do {
            let layout = try layout(statsFile: statsFile, metricsFile: metricsFile)
            stats = layout.stats
            metrics = layout.metrics
            let plans = try resumePlans(layout)
            defer { endJournals(plans) }
            sweepLeftovers(layout)
            // A rejects file shared by several outputs takes each write under the registry's lock, so
            // a signal handler can cut it back to the outputs kept.
            let sharedRejects = try layout.sharedRejects.map {
                try OutputFile(path: $0.path, target: $0.target, registry: registry, guarded: layout.isTemplate, brokenPipeIsQuiet: false,
                               adopting: layout.isTemplate ? nil : plans[0].rejectsAdoption)
            }
            if (options.keepGoing || options.skipExisting) && layout.isTemplate && layout.sharedRejects != nil {
                // One rejects file for every output could not drop a failed input's rows, and a
                // skipped input's rows would be lost from it.
                throw ConfigError(file: options.keepGoing ? "--keep-going" : "--skip-existing", keyPath: "",
                                  problem: "needs a rejects file per output: a name template such as --rejects 'rejects/{stem}.csv'", status: .usage)
            }
            var startedParts = 0
            for (index, part) in layout.parts.enumerated() {
                if options.skipExisting, plans[index].point == nil, Self.isUpToDate(part, reads: config.filesRead.map(\.path),
                                                                                     afterKill: plans[index].foundJournal) {
                    summary.inputsUpToDate += part.files.map(InputOpener.displayName)
                    continue
                }
                let result = runPart(part, sharedRejects: sharedRejects, writesRejectsHeader: startedParts == 0 && plans[0].point == nil,
                                     commitsSharedRejects: !layout.isTemplate,
                                     badRowsBefore: summary.rows.bad, resume: plans[index])
                startedParts += 1
                summary = summary.adding(result.figures)
                guard let error = result.failure else { continue }
                if failure == nil { failure = error }
                summary.failedInputs.append(FailedInput(files: part.files.map(InputOpener.displayName), output: part.output.path,
                                                        error: error))
                // A usage or configuration problem is the same for every input.
                if !options.keepGoing || [.usage, .config, .osError].contains((error as? any NNPipeError)?.exitStatus) { break }
            }
            if let sharedRejects {
                if failure == nil {
                    do { try sharedRejects.commitUnlessHeaderOnly() } catch { failure = error }
                }
                // After a failure, cut back to the rows of the outputs kept (after a checkpoint), or removed.
                var kept = true
                if failure != nil { kept = sharedRejects.discard() }
                if !sharedRejects.isStream && !sharedRejects.removedAsHeaderOnly {
                    if kept { summary.outputsKept.append(sharedRejects.name) } else { summary.outputsRemoved.append(sharedRejects.name) }
                }
            }
        } catch {
            failure = error
        }
        summary.succeeded = failure == nil
        summary.seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
        return RunOutcome(summary: summary, failure: failure, stats: stats, metrics: metrics)
    }

    /// Removes what killed runs left in the folders this run writes to (``TemporarySweeper``),
    /// with a notice naming the files.
    private func sweepLeftovers(_ layout: RunLayout) {
        var folders: [String] = []
        for destination in layout.destinations {
            guard case .file(let target) = destination.target else { continue }
            let folder = URL(fileURLWithPath: target).deletingLastPathComponent().path
            if !folders.contains(folder) { folders.append(folder) }
        }
        let own = Set(layout.parts.compactMap { part -> String? in
            guard case .file(let target) = part.output.target else { return nil }
            return ResumeJournal.path(forTarget: target)
        })
        let removed = TemporarySweeper.sweep(folders: folders, ownJournals: own)
        let journals = removed.filter(\.isJournal), files = removed.filter { !$0.isJournal }
        if !journals.isEmpty {
            options.notice?("removed \(journals.count == 1 ? "the resume journal of a killed nnpipe run" : "\(journals.count) resume journals of killed nnpipe runs") "
                + "(older than a week: --resume no longer goes on from \(journals.count == 1 ? "it" : "them")): \(RunSummary.list(journals.map(\.path)))")
        }
        guard !files.isEmpty else { return }
        let bytes = files.reduce(0) { $0 + $1.bytes }
        let size = bytes >= 1 << 20 ? "\(bytes >> 20) MiB" : "\(bytes) bytes"
        options.notice?("removed \(files.count == 1 ? "the temporary file of a killed nnpipe run" : "\(files.count) temporary files of killed nnpipe runs") "
            + "(older than an hour, no journal to resume them; \(size)): \(RunSummary.list(files.map(\.path)))")
    }

    /// Writes the output's header line and, to `rejects`, the rejects file's, each encoded as the
    /// rest of its file.
    func writeHeaders(plan: PipelinePlan, output: OutputFile, rejects: OutputFile?, encoders: OutputEncoders) throws {
        if config.write.header {
            try output.write(encoders.output.encode(CSVText.line(plan.outputNames, delimiter: config.write.delimiter)))
        }
        if let rejects, let header = rejectsHeader(plan: plan, encoders: encoders) { try rejects.write(header) }
    }

    /// The rejects file's header as written (a compressed member for `.gz` or `.zst`), nil
    /// without a rejects file. The same bytes on every run of the same pipeline.
    func rejectsHeader(plan: PipelinePlan, encoders: OutputEncoders) -> [UInt8]? {
        guard config.errors.rejectsPath != nil else { return nil }
        return encoders.rejects.encode(CSVText.line((plan.rejectsNameFile ? ["file"] : []) + ["line", "reason", "record"], delimiter: 0x2C))
    }
}
