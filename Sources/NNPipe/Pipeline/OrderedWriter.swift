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
    // `counted`, `perInput` and `failure` only after the dispatch group has drained.
    private let output: OutputFile
    private let rejects: OutputFile?
    private let maxErrors: Int?
    private let policy: ErrorPolicy
    /// The output's and the rejects file's encoders, for a chunk cut short and the output's end.
    private let encoders: OutputEncoders
    private let inFlight: ChunksInFlight
    private let stop: StopFlag
    /// The resume journal's keeper (nil when no journal is kept), and the inputs' display names,
    /// which number them in its entries.
    private let keeper: JournalKeeper?
    private let inputNames: [String]
    private var pending: [Int: ChunkResult] = [:]
    private var nextIndex = 0
    /// The rows read, written, skipped and rejected so far (the other figures are the runner's).
    private(set) var counted = RowCounts()
    /// Whether a write to a stream failed after part of a row (or of a compressed member) past
    /// the rows counted had reached it.
    private(set) var partOfARowStreamed = false
    /// The same figures for each input, in input order (inputs without a row have none).
    private(set) var perInput: [InputFigures] = []
    /// Called on the writer's queue when the last chunk of an input has been written.
    /// (`inputStarted`: when the current input's time began: the writer's start, or the end of the
    /// input before it.)
    private let inputDone: (InputFigures) -> Void
    private var inputStarted = DispatchTime.now()
    private(set) var failure: (any NNPipeError)?
    private var badRows = 0

    /// `badRowsBefore`: bad rows met before this writer's first chunk (earlier outputs of the run).
    /// `keeper`: the resume journal's keeper, told of each chunk written (nil when no journal is
    /// kept). `inputNames`: the display names of the inputs, numbering them in journal entries.
    /// `resumed`: the entry of the run being resumed, whose figures the writer starts from, as if
    /// it had written that run's chunks.
    init(output: OutputFile, rejects: OutputFile?, errors: ErrorPolicyConfig, badRowsBefore: Int, encoders: OutputEncoders,
         inFlight: ChunksInFlight, stop: StopFlag, keeper: JournalKeeper? = nil,
         inputNames: [String] = [], resumed: ResumePoint? = nil, inputDone: @escaping (InputFigures) -> Void = { _ in }) {
        badRows = resumed?.badRows ?? badRowsBefore
        counted = resumed?.rows ?? RowCounts()
        perInput = resumed?.inputs.map { input in
            InputFigures(file: input.file < inputNames.count ? inputNames[input.file] : "", rows: input.rows)
        } ?? []
        self.keeper = keeper
        self.inputNames = inputNames
        self.inputDone = inputDone
        self.output = output
        self.rejects = rejects
        maxErrors = errors.maxErrors
        policy = errors.policy
        self.encoders = encoders
        self.inFlight = inFlight
        self.stop = stop
    }

    /// The figures a journal entry records.
    var journalFigures: JournalKeeper.Figures {
        JournalKeeper.Figures(counted: counted, perInput: perInput, badRows: badRows, names: inputNames)
    }

    /// Takes a chunk's result; writes it and any that were waiting for it, in order.
    func accept(_ result: ChunkResult) {
        pending[result.index] = result
        while let next = pending.removeValue(forKey: nextIndex) {
            nextIndex += 1
            if failure == nil {
                if perInput.last?.file != next.source { startInput(next.source) }
                write(next)
                if failure == nil { keeper?.chunkWritten(next.index, figures: { journalFigures }) }
            }
            inFlight.giveBack(next.inputBytes)
        }
    }

    private func write(_ result: ChunkResult) {
        if let rowFailure = result.failure {
            // The rows before the bad one, then stop: read = written + skipped + rejected + 1.
            let before = output.bytesWritten
            if send(output: result.output, rejects: result.rejects) { count(result.rows) } else { countReached(result, bytes: output.bytesWritten - before) }
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
            let sent = send(output: encoders.output.encode(outputPart), rejects: encoders.rejects.encode(rejectsPart))
            if sent {
                count(RowCounts(read: mark.record + 1, written: mark.goodRowsBefore, skipped: policy == .reject ? 0 : last,
                                rejected: policy == .reject ? last : 0))
            }
            fail(TooManyBadRows(limit: maxErrors, row: result.badRows[last]))
            return
        }
        badRows += result.badRows.count
        let before = output.bytesWritten
        if send(output: result.output, rejects: result.rejects) { count(result.rows) } else { countReached(result, bytes: output.bytesWritten - before) }
    }

    /// Counts the rows of a chunk whose write to a stream failed after `bytes` of its output had
    /// reached it (a full disk): those rows cannot be taken back, and the summary says how many
    /// they are. A row cut part way, or part of a compressed member, is noted as such. Under the
    /// reject policy the count stops at the chunk's first rejected row (its rejects line was not
    /// written); under skip, the rows skipped before the last row counted are counted too.
    private func countReached(_ result: ChunkResult, bytes: Int) {
        guard output.isStream, bytes > 0 else { return }
        guard !encoders.output.compresses else {
            partOfARowStreamed = true
            return
        }
        let ends = Self.recordEnds(result.output, upTo: bytes)
        var rows = ends.count
        if policy == .reject, let first = result.badRowMarks.first { rows = min(rows, first.goodRowsBefore) }
        let skipped = policy == .skip ? result.badRowMarks.filter { $0.goodRowsBefore < rows }.count : 0
        count(RowCounts(read: rows + skipped, written: rows, skipped: skipped))
        partOfARowStreamed = bytes > (rows > 0 ? ends[rows - 1] : 0)
    }

    /// Where each whole CSV record of `bytes` ends (the offset after its newline), within the
    /// first `limit` bytes: a newline inside a quoted field (a carried field with a line break)
    /// ends no record.
    static func recordEnds(_ bytes: [UInt8], upTo limit: Int) -> [Int] {
        var ends: [Int] = []
        var quoted = false
        for i in 0..<min(limit, bytes.count) {
            switch bytes[i] {
            case UInt8(ascii: "\""): quoted.toggle()
            case UInt8(ascii: "\n") where !quoted: ends.append(i + 1)
            default: break
            }
        }
        return ends
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

    /// Adds rows written to the run's count and the current input's.
    private func count(_ rows: RowCounts) {
        counted += rows
        guard !perInput.isEmpty else { return }
        perInput[perInput.count - 1].rows += rows
    }

    private func startInput(_ file: String) {
        finishInput()
        perInput.append(InputFigures(file: file))
    }

    /// Reports the current input as done (its last chunk written), once.
    func finishInput() {
        guard let last = perInput.last, last.seconds == nil else { return }
        // From the end of the input before (or the writer's start) to this input's last row written.
        let now = DispatchTime.now()
        perInput[perInput.count - 1].seconds = Double(now.uptimeNanoseconds - inputStarted.uptimeNanoseconds) / 1e9
        inputStarted = now
        if failure == nil { inputDone(perInput[perInput.count - 1]) }
    }

    /// Ends the output after its last chunk (``OutputEncoder/ending``).
    func finishOutput() {
        let ending = encoders.output.ending
        if !ending.isEmpty { _ = send(output: ending, rejects: []) }
    }

    private func fail(_ error: any NNPipeError) {
        failure = error
        stop.set()
    }
}
