import Dispatch
import Foundation

/// Runs a pipeline: reads the input in chunks, processes chunks in parallel, writes them in order.
///
/// ```
///  input ─▶ GzipReader? ─▶ RecordSplitter ──chunks 0,1,2…──▶ ┌ worker: parse · forward · encode ┐
///           (reader thread, sequential)                      │ worker: …                        │ (Dispatch)
///                                                            └ worker: …                        ┘
///                                        OrderedWriter (serial queue) ◀── results, any order
///                                            └─▶ output temp file ─▶ rename on success
/// ```
/// At most `maxChunksInFlight` chunks exist at once (a semaphore the reader waits on and the
/// writer signals as each chunk is written), so memory does not grow with the input. Each worker
/// owns a ``ChunkProcessor``; at most `workers` run at once. Output bytes do not depend on the
/// worker count or on scheduling.
public final class PipelineRunner {
    public let config: PipelineConfig

    public init(config: PipelineConfig) {
        self.config = config
        progress.start(bytesTotal: (try? InputFiles.expand(config.read.inputs)).flatMap(RunProgress.totalSize))
    }

    /// How far the current run has got, for a progress display on another thread.
    public let progress = RunProgress()

    /// The input's display name for messages (the first input's, when there are several).
    public var inputName: String { InputOpener.displayName(config.read.path) }

    /// Opens the inputs (glob patterns expanded) and reads the first record, checking the columns
    /// against the pipeline. Returns the plan and the inputs positioned after the header.
    public func prepare() throws -> (plan: PipelinePlan, inputs: InputSequence) {
        try prepare(files: InputFiles.expand(config.read.inputs))
    }

    func prepare(files: [String]) throws -> (plan: PipelinePlan, inputs: InputSequence) {
        let read = config.read
        let inputs = try InputSequence(files: files, read: read, pipelineFile: config.file)
        let name = InputOpener.displayName(files[0])
        // Rejects lines name their input when one rejects file gathers several inputs' rows.
        let sharedRejects = !(config.errors.rejectsPath.map(OutputNameTemplate.isTemplate) ?? false)
        let plan = try PipelinePlan(config: config, firstRecord: inputs.firstRecord, inputName: name,
                                    rejectsNameFile: files.count > 1 || (OutputNameTemplate.isTemplate(config.write.path) && sharedRejects))
        return (plan, inputs)
    }

    /// Every path the run writes, resolved and checked against each other and against what it
    /// reads (``RunLayout``); `statsFile` is `--stats-json`'s.
    public func layout(statsFile: String? = nil) throws -> RunLayout {
        try RunLayout(config: config, files: InputFiles.expand(config.read.inputs), statsFile: statsFile)
    }

    /// Runs the pipeline to the end. On success the outputs are renamed into place; on any error
    /// they are removed, earlier files at the targets stay as they were, and the error is thrown
    /// with ``summary`` holding the figures up to the failure and what was kept and removed.
    ///
    /// With an output name template, each input has its own output, renamed into place when that
    /// input is done: a failure leaves the outputs of the inputs before it, and their rejected
    /// rows (their own rejects files, or a shared rejects file cut back to their rows).
    public func run(statsFile: String? = nil) throws -> RunSummary {
        let started = DispatchTime.now()
        summary = RunSummary()
        defer { summary.seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9 }
        checkedLayout = nil
        OutputRegistry.reset()
        let layout = try layout(statsFile: statsFile)
        checkedLayout = layout
        // A rejects file shared by several outputs takes each write under the registry's lock, so
        // a signal handler can cut it back to the outputs kept.
        let sharedRejects = try layout.sharedRejects.map {
            try OutputFile(path: $0.path, target: $0.target, guarded: layout.isTemplate, brokenPipeIsQuiet: false)
        }
        var total = RunSummary()
        do {
            for (index, part) in layout.parts.enumerated() {
                try runPart(part, sharedRejects: sharedRejects, writesRejectsHeader: index == 0,
                            commitsSharedRejects: !layout.isTemplate, total: &total)
            }
            try sharedRejects?.commit()
            if let sharedRejects, !sharedRejects.isStream { total.outputsKept.append(sharedRejects.name) }
            summary = total
            summary.succeeded = true
        } catch {
            if let sharedRejects {
                // Cut back to the rows of the outputs kept (after a checkpoint), or removed.
                let kept = sharedRejects.discard()
                if !sharedRejects.isStream {
                    if kept { total.outputsKept.append(sharedRejects.name) } else { total.outputsRemoved.append(sharedRejects.name) }
                }
            }
            summary = total
            throw error
        }
        // The defer above times failed runs; the value returned here needs its time now.
        summary.seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
        return summary
    }

    /// Reads one part's inputs into its output; adds its figures to `total` (and sets ``summary``
    /// to the figures so far, also on failure).
    private func runPart(_ part: RunLayout.Part, sharedRejects: OutputFile?, writesRejectsHeader: Bool,
                         commitsSharedRejects: Bool, total: inout RunSummary) throws {
        summary = total
        let (plan, inputs) = try prepare(files: part.files)
        progress.beginInputs()
        let output = try OutputFile(path: part.output.path, target: part.output.target)
        let ownRejects: OutputFile?
        do {
            ownRejects = try part.rejects.map { try OutputFile(path: $0.path, target: $0.target, brokenPipeIsQuiet: false) }
        } catch {
            output.discard()
            throw error
        }
        let rejects = ownRejects ?? sharedRejects
        var figures = RunSummary()
        do {
            try writeHeaders(plan: plan, output: output, rejects: ownRejects != nil || writesRejectsHeader ? rejects : nil)
            defer { figures = summary }
            try process(plan: plan, inputs: inputs, output: output, rejects: rejects)
            try OutputRegistry.committing {
                try output.commit()
                try ownRejects?.commit()
                if commitsSharedRejects { try sharedRejects?.commit() } else { sharedRejects?.checkpoint() }
            }
        } catch {
            // Rows sent to a stream cannot be taken back: the rejects of those rows are kept too.
            if output.isStream { (ownRejects ?? sharedRejects)?.checkpoint() }
            output.discard()
            let rejectsKept = ownRejects.map { $0.discard() || $0.isStream } ?? (output.isStream || sharedRejects?.isStream == true)
            var part = RunSummary()
            part.rowsRead = figures.rowsRead
            part.rowsSkipped = figures.rowsSkipped
            if output.isStream {
                part.rowsWritten = figures.rowsWritten
                part.rowsStreamed = figures.rowsWritten
            } else {
                part.rowsDiscarded = figures.rowsWritten
                part.outputsRemoved.append(output.name)
            }
            if rejectsKept { part.rowsRejected = figures.rowsRejected } else { part.rowsDiscarded += figures.rowsRejected }
            part.inputs = figures.inputs.map { $0.removed(output: !output.isStream, rejects: !rejectsKept) }
            if let ownRejects, !ownRejects.isStream {
                if rejectsKept { part.outputsKept.append(ownRejects.name) } else { part.outputsRemoved.append(ownRejects.name) }
            }
            total = total.adding(part)
            summary = total
            throw error
        }
        var part = figures
        if output.isStream { part.rowsStreamed = figures.rowsWritten } else { part.outputsKept.append(output.name) }
        if let ownRejects, !ownRejects.isStream { part.outputsKept.append(ownRejects.name) }
        total = total.adding(part)
        summary = total
    }

    /// The last run's paths, once checked (nil when the check failed: nothing may be written).
    public private(set) var checkedLayout: RunLayout?

    /// Called (on the writer's thread) when an input's last row has been written: its figures
    /// and the output they went to.
    public var inputDone: (@Sendable (InputFigures) -> Void)?

    /// The figures of the last run, complete or not.
    public private(set) var summary = RunSummary()

    private func writeHeaders(plan: PipelinePlan, output: OutputFile, rejects: OutputFile?) throws {
        let write = config.write
        if write.header {
            let line = CSVText.line(plan.outputNames, delimiter: write.delimiter)
            try output.write(write.codec.map { $0.makeCompressor().member(line) } ?? line)
        }
        if let rejects, let path = config.errors.rejectsPath {
            let line = CSVText.line((plan.rejectsNameFile ? ["file"] : []) + ["line", "reason", "record"], delimiter: 0x2C)
            try rejects.write(write.codec(forName: path).map { $0.makeCompressor().member(line) } ?? line)
        }
    }

    private func process(plan: PipelinePlan, inputs: InputSequence, output: OutputFile, rejects: OutputFile?) throws {
        let inFlight = DispatchSemaphore(value: plan.maxChunksInFlight)
        let stop = StopFlag()
        let rejectsCodec = config.errors.rejectsPath.flatMap { config.write.codec(forName: $0) }
        // max_errors counts the bad rows of the whole run, over every output of a template.
        let writer = OrderedWriter(output: output, rejects: rejects, errors: config.errors,
                                   badRowsBefore: summary.rowsSkipped + summary.rowsRejected,
                                   outputCodec: config.write.codec,
                                   rejectsCodec: rejectsCodec,
                                   inFlight: inFlight, stop: stop, inputDone: { [inputDone] figures in
                                       var figures = figures
                                       figures.output = output.name
                                       inputDone?(figures)
                                   })
        let processors = ProcessorPool((0..<plan.workers).map { _ in
            ChunkProcessor(plan: plan, inputName: inputName, rejectsCodec: rejectsCodec)
        })
        let workQueue = DispatchQueue(label: "nnpipe.workers", attributes: .concurrent)
        let writeQueue = DispatchQueue(label: "nnpipe.writer")
        let group = DispatchGroup()
        var nextIndex = 0
        var readError: Error?
        do {
            while !stop.isSet {
                guard var chunk = try inputs.nextChunk(maxRecords: config.execution.chunkRows,
                                                       maxBytes: config.execution.chunkBytes) else { break }
                chunk.index = nextIndex
                nextIndex += 1
                progress.advance(rows: chunk.count, bytesRead: inputs.bytesConsumed, file: chunk.source)
                inFlight.wait()
                let processor = processors.take()
                group.enter()
                let work = SendableBox((chunk, processor))
                workQueue.async {
                    let (chunk, processor) = work.value
                    let result = processor.process(chunk)
                    processors.put(processor)
                    writeQueue.async {
                        writer.accept(result)
                        group.leave()
                    }
                }
            }
        } catch {
            readError = error
        }
        group.wait()
        // The writer's queue is idle now.
        if writer.failure == nil && readError == nil { writer.finishInput() }
        summary = writer.summary
        // Every input opened, in order; one whose rows never came (a header alone) with zeros.
        summary.inputs = inputs.opened.map { name in
            var figures = writer.perInput.first { $0.file == name } ?? InputFigures(file: name)
            figures.output = output.name
            return figures
        }
        // A bad row found by the writer lies before anything the reader failed on later.
        if let failure = writer.failure { throw failure }
        if let readError { throw readError }
    }
}

/// The workers' processors: taken by the reader before dispatching a chunk (waiting while all are
/// busy, which caps the parallelism at the worker count), given back by the worker.
final class ProcessorPool: Sendable {
    private let free: Locked<[SendableBox<ChunkProcessor>]>
    private let available: DispatchSemaphore

    init(_ processors: [ChunkProcessor]) {
        free = Locked(processors.map(SendableBox.init))
        available = DispatchSemaphore(value: processors.count)
    }

    func take() -> ChunkProcessor {
        available.wait()
        return free.withLock { $0.removeLast().value }
    }

    func put(_ processor: ChunkProcessor) {
        free.withLock { $0.append(SendableBox(processor)) }
        available.signal()
    }
}

/// Moves a value into a Dispatch closure. Unchecked: used only for values handed from one thread
/// to the next (a chunk and its processor to a worker), never touched by two threads at once.
struct SendableBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
