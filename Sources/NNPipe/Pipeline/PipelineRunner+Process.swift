import CCPU
import Dispatch
import Foundation

/// One output's chunks through the stages: the reader (this thread) cuts chunks, the worker pool
/// runs them, the ordered writer writes them in input order.
extension PipelineRunner {
    /// Reads `inputs` through the workers into `output`: the rows counted by the writer (in total
    /// and per input, up to a failure) and the error that stopped the reading, if any.
    /// `encoders`: the runner's own, for the writer (each worker makes its own).
    func process(plan: PipelinePlan, inputs: InputSequence, output: OutputFile, rejects: OutputFile?, encoders: OutputEncoders,
                 badRowsBefore: Int, keeper: JournalKeeper?, resumed: ResumePoint?) -> (figures: RunSummary, failure: (any Error)?) {
        // From here on, blocks are allocated and freed per chunk: keep them in the heap (a
        // refusal costs only page faults).
        _ = CCPU_keep_freed_memory()
        let processors: [ChunkProcessor]
        do {
            processors = try (0..<plan.workers).map { _ in
                try ChunkProcessor(plan: plan, inputName: inputName, encoders: OutputEncoders(config: config))
            }
        } catch {
            return (RunSummary(), error)
        }
        let inFlight = ChunksInFlight(minChunks: plan.minChunksInFlight, maxChunks: plan.maxChunksInFlight, maxBytes: plan.inFlightByteLimit)
        let stop = StopFlag()
        // max_errors counts the bad rows of the whole run, over every output of a template.
        let writer = OrderedWriter(output: output, rejects: rejects, errors: config.errors,
                                   badRowsBefore: badRowsBefore,
                                   encoders: encoders,
                                   inFlight: inFlight, stop: stop, keeper: keeper,
                                   inputNames: inputs.files.map(InputOpener.displayName), resumed: resumed,
                                   inputDone: { [inputDone = options.inputDone] figures in
                                       var figures = figures
                                       figures.output = output.name
                                       inputDone?(figures)
                                   })
        // The writer's serial queue runs on Dispatch's overcommit pool, which is separate from the
        // pool the workers' items run on: no worker count can take the writer's thread.
        let writeQueue = DispatchQueue(label: "nnpipe.writer")
        // One group member per chunk, from its reading until the writer took it.
        let group = DispatchGroup()
        let pool = WorkerPool(processors: processors, niceness: WorkerPriority.workersNiceness()) { result in
            let result = SendableBox(result)
            writeQueue.async {
                WorkerPriority.running(as: "nnpipe-writer", niceness: nil) { writer.accept(result.value) }
                group.leave()
            }
        }
        var nextIndex = 0
        var readError: (any Error)?
        var sizing = ChunkSizing(maxRecords: config.execution.chunkRows, targetBytes: plan.chunkBytes, limitBytes: plan.chunkByteLimit,
                                 continuing: resumed?.nextCut)
        do {
            while !stop.isSet {
                guard var chunk = try inputs.nextChunk(maxRecords: sizing.records, maxBytes: sizing.byteLimit) else { break }
                sizing.learn(from: chunk)
                chunk.index = nextIndex
                nextIndex += 1
                keeper?.noteChunk(chunk.index, endsAt: inputs.position, nextCut: sizing.next)
                progress.advance(rows: chunk.count, bytesRead: inputs.bytesConsumed, file: chunk.source)
                inFlight.take(chunk.recordBytes)
                group.enter()
                pool.submit(chunk)
            }
        } catch {
            readError = error
        }
        pool.join()
        group.wait()
        // The writer's queue is idle now.
        if writer.failure == nil && readError == nil {
            writer.finishInput()
            // A resumed run whose journal says the output was complete has its end marker already.
            if resumed?.done != true { writer.finishOutput() }
            if writer.failure == nil { keeper?.finish(at: inputs.position, figures: writer.journalFigures) }
        }
        var figures = RunSummary()
        figures.rows = writer.counted
        figures.partOfARowStreamed = writer.partOfARowStreamed
        // Every input opened, in order; one whose rows never came (a header alone) with zeros.
        figures.inputs = inputs.opened.map { name in
            var input = writer.perInput.first { $0.file == name } ?? InputFigures(file: name)
            input.output = output.name
            return input
        }
        // A bad row found by the writer lies before anything the reader failed on later.
        return (figures, writer.failure.map { $0 as any Error } ?? readError)
    }
}
