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
        let inputs = try InputSequence(files: files, read: read)
        let name = InputOpener.displayName(files[0])
        var plan: PipelinePlan
        if let fields = inputs.firstRecord {
            plan = try PipelinePlan(config: config, firstRecord: fields, inputName: name)
        } else {
            // No header and no rows: nothing to check the indices against; an empty run.
            let width = (read.features + read.carry).compactMap { selector -> Int? in
                if case .index(let index) = selector.ref { return index }
                return nil
            }.max() ?? 0
            plan = try PipelinePlan(config: config, firstRecord: Array(repeating: "", count: width + 1), inputName: name)
        }
        plan.rejectsNameFile = files.count > 1 || OutputNameTemplate.isTemplate(config.write.path)
        return (plan, inputs)
    }

    /// Runs the pipeline to the end. On success the outputs are renamed into place; on any error
    /// they are removed, earlier files at the targets stay as they were, and the error is thrown
    /// with ``summary`` holding the figures up to the failure.
    ///
    /// With an output name template, each input has its own output, renamed into place when that
    /// input is done: a failure leaves the outputs of the inputs before it.
    public func run() throws -> RunSummary {
        let started = DispatchTime.now()
        summary = RunSummary()
        defer { summary.seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9 }
        let files = try InputFiles.expand(config.read.inputs)
        var rejects: OutputFile?
        if config.errors.policy == .reject, let path = config.errors.rejectsPath {
            rejects = try OutputFile(path: path)
        }
        var total = RunSummary()
        do {
            if OutputNameTemplate.isTemplate(config.write.path) {
                if files.contains("-") {
                    throw ConfigError(file: config.file, keyPath: "write.path",
                                      problem: "an output name template needs input files, not standard input")
                }
                var outputs: [String: String] = [:]
                for file in files {
                    let path = OutputNameTemplate.path(config.write.path, for: file)
                    if let earlier = outputs.updateValue(file, forKey: path) {
                        throw ConfigError(file: config.file, keyPath: "write.path",
                                          problem: "\(earlier) and \(file) would both be written to \(path)")
                    }
                }
                for (index, file) in files.enumerated() {
                    try runOne(files: [file], outputPath: OutputNameTemplate.path(config.write.path, for: file),
                               rejects: rejects, rejectsHeader: index == 0, total: &total)
                }
            } else {
                try runOne(files: files, outputPath: config.write.path, rejects: rejects, rejectsHeader: true, total: &total)
            }
            try rejects?.commit()
            summary = total
            summary.succeeded = true
        } catch {
            rejects?.discard()
            throw error
        }
        // The defer above times failed runs; the value returned here needs its time now.
        summary.seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
        return summary
    }

    /// Reads `files` into one output; adds its figures to `total` (and sets ``summary`` to the
    /// figures so far, also on failure).
    private func runOne(files: [String], outputPath: String, rejects: OutputFile?, rejectsHeader: Bool,
                        total: inout RunSummary) throws {
        let before = total
        summary = RunSummary()
        defer { summary = total }
        let (plan, inputs) = try prepare(files: files)
        progress.beginInputs()
        let output = try OutputFile(path: outputPath)
        do {
            try writeHeaders(plan: plan, output: output, rejects: rejectsHeader ? rejects : nil)
            try process(plan: plan, inputs: inputs, output: output, rejects: rejects)
            total = before.adding(summary)
            try output.commit()
        } catch {
            total = before.adding(summary)
            output.discard()
            throw error
        }
    }

    /// The figures of the last run, complete or not.
    public private(set) var summary = RunSummary()

    private func writeHeaders(plan: PipelinePlan, output: OutputFile, rejects: OutputFile?) throws {
        let write = config.write
        if write.header {
            let line = CSVText.line(plan.outputNames, delimiter: write.delimiter)
            try output.write(write.isCompressed ? ChunkCompressors.make(level: write.gzipLevel).member(line) : line)
        }
        if let rejects, let path = config.errors.rejectsPath {
            let line = CSVText.line((plan.rejectsNameFile ? ["file"] : []) + ["line", "reason", "record"], delimiter: 0x2C)
            try rejects.write(path.hasSuffix(".gz") ? ChunkCompressors.make(level: write.gzipLevel).member(line) : line)
        }
    }

    private func process(plan: PipelinePlan, inputs: InputSequence, output: OutputFile, rejects: OutputFile?) throws {
        let inFlight = DispatchSemaphore(value: plan.maxChunksInFlight)
        let stop = StopFlag()
        let writer = OrderedWriter(output: output, rejects: rejects, maxErrors: config.errors.maxErrors,
                                   inFlight: inFlight, stop: stop)
        let rejectsCompressed = config.errors.rejectsPath?.hasSuffix(".gz") ?? false
        let processors = ProcessorPool((0..<plan.workers).map { _ in
            ChunkProcessor(plan: plan, inputName: inputName, rejectsCompressed: rejectsCompressed)
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
                progress.advance(rows: chunk.count, bytesRead: inputs.bytesConsumed)
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
        summary = writer.summary
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
