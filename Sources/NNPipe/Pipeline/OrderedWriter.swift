import Dispatch

/// Receives chunk results in any order and writes them in input order.
///
/// Used only from the runner's serial writer queue. It is also where errors become deterministic:
/// it sees rows in input order, so the first bad row it meets (fail policy) or the row past
/// `max_errors` is the one reported, whatever the scheduling.
final class OrderedWriter: @unchecked Sendable {
    // Unchecked: every method runs on the runner's serial writer queue; the runner reads
    // `summary` and `failure` only after the dispatch group has drained.
    private let output: OutputFile
    private let rejects: OutputFile?
    private let maxErrors: Int?
    private let inFlight: DispatchSemaphore
    private let stop: StopFlag
    private var pending: [Int: ChunkResult] = [:]
    private var nextIndex = 0
    private(set) var summary = RunSummary()
    private(set) var failure: (any NNPipeError)?
    private var badRows = 0

    init(output: OutputFile, rejects: OutputFile?, maxErrors: Int?, inFlight: DispatchSemaphore, stop: StopFlag) {
        self.output = output
        self.rejects = rejects
        self.maxErrors = maxErrors
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
            // Up to and including the bad row: read = written + skipped + rejected + 1.
            count(result)
            fail(rowFailure)
            return
        }
        if let maxErrors, badRows + result.badRows.count > maxErrors {
            count(result)
            fail(TooManyBadRows(limit: maxErrors, row: result.badRows[maxErrors - badRows]))
            return
        }
        badRows += result.badRows.count
        do {
            if !result.output.isEmpty { try output.write(result.output) }
            if let rejects, !result.rejects.isEmpty { try rejects.write(result.rejects) }
        } catch let error as any NNPipeError {
            fail(error)
            return
        } catch {
            fail(OutputError(.writeFailed, file: output.name, problem: "\(error)"))
            return
        }
        count(result)
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
