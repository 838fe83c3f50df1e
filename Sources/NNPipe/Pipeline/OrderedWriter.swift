import Dispatch

/// Receives chunk results in any order and writes them in input order.
///
/// Used only from the runner's serial writer queue. It is also where errors become deterministic:
/// it sees rows in input order, so the first bad row it meets (fail policy) or the row past
/// `max_errors` is the one reported, whatever the scheduling. It stops exactly there: the rows
/// before the failing one are written, those after it are not, and the figures count up to it,
/// whatever the chunk size or worker count.
final class OrderedWriter: @unchecked Sendable {
    // Unchecked: every method runs on the runner's serial writer queue; the runner reads
    // `summary` and `failure` only after the dispatch group has drained.
    private let output: OutputFile
    private let rejects: OutputFile?
    private let maxErrors: Int?
    private let policy: ErrorPolicy
    /// gzip levels of the output and the rejects file, nil when not compressed (for a chunk cut
    /// short, compressed here).
    private let outputLevel: Int?
    private let rejectsLevel: Int?
    private let inFlight: DispatchSemaphore
    private let stop: StopFlag
    private var pending: [Int: ChunkResult] = [:]
    private var nextIndex = 0
    private(set) var summary = RunSummary()
    private(set) var failure: (any NNPipeError)?
    private var badRows = 0

    /// `badRowsBefore`: bad rows met before this writer's first chunk (earlier outputs of the run).
    init(output: OutputFile, rejects: OutputFile?, errors: ErrorPolicyConfig, badRowsBefore: Int, outputLevel: Int?,
         rejectsLevel: Int?, inFlight: DispatchSemaphore, stop: StopFlag) {
        badRows = badRowsBefore
        self.output = output
        self.rejects = rejects
        maxErrors = errors.maxErrors
        policy = errors.policy
        self.outputLevel = outputLevel
        self.rejectsLevel = rejectsLevel
        self.inFlight = inFlight
        self.stop = stop
    }

    /// Takes a chunk's result; writes it and any that were waiting for it, in order.
    func accept(_ result: ChunkResult) {
        pending[result.index] = result
        while let next = pending.removeValue(forKey: nextIndex) {
            nextIndex += 1
            if failure == nil { write(next) }
            inFlight.signal()
        }
    }

    private func write(_ result: ChunkResult) {
        if let rowFailure = result.failure {
            // The rows before the bad one, then stop: read = written + skipped + rejected + 1.
            if send(output: result.output, rejects: result.rejects) { count(result) }
            fail(rowFailure)
            return
        }
        if let maxErrors, badRows + result.badRows.count > maxErrors {
            // Stop at the first bad row past the limit: the rows before it are written.
            let last = maxErrors - badRows
            let mark = result.badRowMarks[last]
            let lineEnd = mark.goodRowsBefore == 0 ? 0 : result.lineEnds[mark.goodRowsBefore - 1]
            let outputPart = Array((result.plainOutput ?? result.output)[..<lineEnd])
            let rejectsPart = Array((result.plainRejects ?? result.rejects)[..<mark.rejectsBytesBefore])
            let sent = send(output: outputLevel.map { ChunkCompressors.make(level: $0).member(outputPart) } ?? outputPart,
                            rejects: rejectsLevel.map { ChunkCompressors.make(level: $0).member(rejectsPart) } ?? rejectsPart)
            if sent {
                summary.rowsRead += mark.record + 1
                summary.rowsWritten += mark.goodRowsBefore
                if policy == .reject { summary.rowsRejected += last } else { summary.rowsSkipped += last }
            }
            fail(TooManyBadRows(limit: maxErrors, row: result.badRows[last]))
            return
        }
        badRows += result.badRows.count
        if send(output: result.output, rejects: result.rejects) { count(result) }
    }

    /// Writes a chunk's output and rejects; on a write error, records the failure and returns false.
    private func send(output bytes: [UInt8], rejects rejectsBytes: [UInt8]) -> Bool {
        do {
            if !bytes.isEmpty { try output.write(bytes) }
            if let rejects, !rejectsBytes.isEmpty { try rejects.write(rejectsBytes) }
            return true
        } catch let error as any NNPipeError {
            fail(error)
        } catch {
            fail(OutputError(.writeFailed, file: output.name, problem: "\(error)"))
        }
        return false
    }

    private func count(_ result: ChunkResult) {
        summary.rowsRead += result.rowsRead
        summary.rowsWritten += result.rowsWritten
        summary.rowsSkipped += result.rowsSkipped
        summary.rowsRejected += result.rowsRejected
    }

    private func fail(_ error: any NNPipeError) {
        failure = error
        stop.set()
    }
}

/// More bad rows than `max_errors` allows.
public struct TooManyBadRows: NNPipeError {
    public var limit: Int
    /// The first bad row past the limit.
    public var row: RowError

    public var message: String { "\(row.message) (more than max_errors = \(limit) bad rows; stopping)" }
    public var exitStatus: ExitStatus { .dataError }
}
