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
        progress.start(bytesTotal: RunProgress.regularFileSize(config.read.path))
    }

    /// The input's display name for messages.
    public var inputName: String { InputOpener.displayName(config.read.path) }

    /// Opens the input and reads its first record, checking the columns against the pipeline.
    /// Returns the plan and the reader positioned after the header (or at the first record).
    public func prepare() throws -> (plan: PipelinePlan, splitter: RecordSplitter, firstChunk: RawChunk?) {
        let read = config.read
        progress.start(bytesTotal: RunProgress.regularFileSize(read.path))
        let source = try InputOpener.open(path: read.path, name: inputName)
        let splitter = RecordSplitter(source: source, name: inputName, delimiter: read.delimiter,
                                      maxRecordBytes: read.maxRecordBytes)
        let first = try splitter.nextChunk(maxRecords: 1)
        guard let first else {
            if read.header {
                throw InputError(.badData, file: inputName, line: 1, problem: "the input is empty: no header row")
            }
            // No header and no rows: nothing to check the indices against; an empty run.
            let width = (read.features + read.carry).compactMap { selector -> Int? in
                if case .index(let index) = selector.ref { return index }
                return nil
            }.max() ?? 0
            let plan = try PipelinePlan(config: config, firstRecord: Array(repeating: "", count: width + 1), inputName: inputName)
            return (plan, splitter, nil)
        }
        let parser = CSVRecordParser(delimiter: read.delimiter)
        let fields: [String]
        do throws(CSVRecordParser.Problem) {
            fields = try first.bytes.withUnsafeBufferPointer { bytes throws(CSVRecordParser.Problem) in
                try parser.parse(bytes.baseAddress!, count: first.range(of: 0).count)
                return (0..<parser.fieldCount).map { String(decoding: parser.field($0), as: UTF8.self) }
            }
        } catch {
            throw InputError(.badData, file: inputName, line: first.recordLines[0],
                             problem: "\(read.header ? "header" : "first record"): field \(error.field): \(error.reason)")
        }
        let plan = try PipelinePlan(config: config, firstRecord: fields, inputName: inputName)
        return (plan, splitter, read.header ? nil : first)
    }

    /// Runs the pipeline to the end. On success the outputs are renamed into place; on any error
    /// they are removed, earlier files at the targets stay as they were, and the error is thrown
    /// with ``summary`` holding the figures up to the failure.
    public func run() throws -> RunSummary {
        let started = DispatchTime.now()
        summary = RunSummary()
        defer { summary.seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9 }
        let (plan, splitter, firstChunk) = try prepare()
        let output = try OutputFile(path: config.write.path)
        var rejects: OutputFile?
        if config.errors.policy == .reject, let path = config.errors.rejectsPath {
            do {
                rejects = try OutputFile(path: path)
            } catch {
                output.discard()
                throw error
            }
        }
        do {
            try writeHeaders(plan: plan, output: output, rejects: rejects)
            try process(plan: plan, splitter: splitter, firstChunk: firstChunk, output: output, rejects: rejects)
            try rejects?.commit()
            try output.commit()
            summary.succeeded = true
        } catch {
            rejects?.discard()
            output.discard()
            throw error
        }
        // The defer above times failed runs; the value returned here needs its time now.
        summary.seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
        return summary
    }

    /// The figures of the last run, complete or not.
    public private(set) var summary = RunSummary()

    /// How far the current run has got, for a progress display on another thread.
    public let progress = RunProgress()

    private func writeHeaders(plan: PipelinePlan, output: OutputFile, rejects: OutputFile?) throws {
        let write = config.write
        if write.header {
            let line = CSVText.line(plan.outputNames, delimiter: write.delimiter)
            try output.write(write.isCompressed ? ChunkCompressors.make(level: write.gzipLevel).member(line) : line)
        }
        if let rejects, let path = config.errors.rejectsPath {
            let line = CSVText.line(["line", "reason", "record"], delimiter: 0x2C)
            try rejects.write(path.hasSuffix(".gz") ? ChunkCompressors.make(level: write.gzipLevel).member(line) : line)
        }
    }

    private func process(
        plan: PipelinePlan, splitter: RecordSplitter, firstChunk: RawChunk?, output: OutputFile, rejects: OutputFile?
    ) throws {
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
        var pendingFirst = firstChunk
        var nextIndex = 0
        var readError: Error?
        do {
            while !stop.isSet {
                var chunk: RawChunk
                if let first = pendingFirst {
                    chunk = first
                    pendingFirst = nil
                } else if let next = try splitter.nextChunk(maxRecords: config.execution.chunkRows,
                                                                 maxBytes: config.execution.chunkBytes) {
                    chunk = next
                } else {
                    break
                }
                chunk.index = nextIndex
                nextIndex += 1
                progress.advance(rows: chunk.count, bytesRead: splitter.bytesConsumed)
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
