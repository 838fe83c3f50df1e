import CCPU

/// One worker's state: parses a chunk's records, runs the transforms on the whole chunk, and
/// encodes the output. Each worker owns one, reused for every chunk, so nothing is allocated per
/// row on the hot path.
///
/// ```
/// RawChunk ──fields──▶ features (rows × inputs) ──transforms──▶ value columns
///          └──────────▶ carried fields (pre-quoted CSV text)  ──┴──▶ CSV bytes (▶ gzip member)
/// ```
final class ChunkProcessor {
    let plan: PipelinePlan
    private let inputName: String
    private let parser: CSVRecordParser
    /// The fields a record's split keeps (``PipelinePlan/fieldsRead``).
    private let fieldsRead: Int
    private let formatter: FloatFormatter
    /// This worker's own encoders of the output and the rejects lines.
    private let encoders: OutputEncoders
    /// Features (rows × inputs, row-major) and the stages' workers.
    private let workspace: StageChainWorkspace
    /// Carried fields of each good row, already CSV-quoted and followed by the delimiter.
    private var carried: [UInt8] = []
    private var carriedEnds: [Int] = []
    private var output: [UInt8] = []
    /// The end of each row's line in `output`, recorded only while `recordsLineEnds` is set.
    private var lineEnds: [Int] = []
    private var recordsLineEnds = false

    init(plan: PipelinePlan, inputName: String, encoders: OutputEncoders) {
        self.plan = plan
        self.inputName = inputName
        parser = CSVRecordParser(delimiter: plan.config.read.delimiter)
        fieldsRead = plan.fieldsRead
        formatter = FloatFormatter(decimals: plan.config.write.decimals)
        let write = plan.config.write
        self.encoders = encoders
        workspace = StageChainWorkspace(plan.chain, delimiter: write.delimiter)
    }

    /// Processes one chunk.
    func process(_ chunk: RawChunk) -> ChunkResult {
        var chunk = chunk
        chunk.findRecords()
        // New threads inherit the vector register state of the thread that made them; after
        // ISA-L's AVX code that state is "dirty", and every switch between the SSE code Swift
        // emits and libm's AVX code then pays a penalty (4× slower sigmoid layers, measured).
        CPUFeatures.clearUpperVectorState()
        var result = ChunkResult(index: chunk.index)
        result.inputBytes = chunk.recordBytes
        let features = workspace.features.reserve(chunk.count * plan.featureFields.count)
        carried.removeAll(keepingCapacity: true)
        carriedEnds.removeAll(keepingCapacity: true)
        var rejects: [UInt8] = []
        var goodRows = 0
        let policy = plan.config.errors.policy
        let file = chunk.source.isEmpty ? inputName : chunk.source
        result.source = file
        chunk.bytes.withUnsafeBufferPointer { bytes in
            for record in 0..<chunk.count {
                result.rows.read += 1
                let range = chunk.range(of: record)
                let start = bytes.baseAddress! + range.lowerBound
                let readableEnd = UnsafePointer(bytes.baseAddress! + bytes.count)
                if let problem = parseRecord(start, count: range.count, readableEnd: readableEnd,
                                             into: features + goodRows * plan.featureFields.count,
                                             file: file,
                                             line: chunk.recordLines[record]) {
                    result.badRows.append(problem)
                    result.badRowMarks.append(BadRowMark(record: record, goodRowsBefore: goodRows, rejectsBytesBefore: rejects.count))
                    switch policy {
                    case .fail:
                        result.failure = problem
                        return
                    case .skip:
                        result.rows.skipped += 1
                    case .reject:
                        result.rows.rejected += 1
                        appendReject(problem, record: UnsafeBufferPointer(start: start, count: range.count), to: &rejects)
                    }
                    continue
                }
                goodRows += 1
            }
        }
        // Under fail, the rows before the bad one are encoded too: a stream output then holds exactly
        // the rows before it, whatever the chunk size.
        result.rows.written = goodRows
        // The writer may stop at one of this chunk's bad rows (max_errors): it then needs to cut
        // the output and the rejects after the rows before that one.
        let mayBeCut = plan.config.errors.maxErrors != nil && !result.badRows.isEmpty && result.failure == nil
        recordsLineEnds = mayBeCut
        encode(rows: goodRows)
        result.output = encoders.output.encode(output)
        if !rejects.isEmpty {
            result.rejects = encoders.rejects.encode(rejects)
        }
        if mayBeCut {
            result.lineEnds = lineEnds
            if encoders.output.compresses { result.plainOutput = output }
            if encoders.rejects.compresses { result.plainRejects = rejects }
        }
        return result
    }

    /// Parses one record into a feature row and the carried text; returns why it is bad, if it is.
    private func parseRecord(_ start: UnsafePointer<UInt8>, count: Int, readableEnd: UnsafePointer<UInt8>,
                             into target: UnsafeMutablePointer<Double>, file: String, line: Int) -> RowError? {
        do {
            try parser.parse(start, count: count, readableEnd: readableEnd, fieldsWanted: fieldsRead)
        } catch {
            return rowError(file: file, line: line, field: error.field, reason: error.reason)
        }
        guard parser.fieldCount == plan.fieldCount else {
            return rowError(file: file, line: line, field: nil,
                            reason: "expected \(plan.fieldCount) fields, found \(parser.fieldCount)")
        }
        for (slot, field) in plan.featureFields.enumerated() {
            let text = parser.field(field)
            let readable = parser.readableEnd.map { $0 - text.baseAddress! } ?? text.count
            guard let value = FloatParser.parse(text.baseAddress!, count: text.count, readable: readable) else {
                return rowError(file: file, line: line, field: field + 1, reason: FloatParser.problem(text.baseAddress!, count: text.count))
            }
            target[slot] = value
        }
        let delimiter = plan.config.write.delimiter
        for field in plan.carryFields {
            CSVText.appendField(parser.field(field), delimiter: delimiter, to: &carried)
            carried.append(delimiter)
        }
        carriedEnds.append(carried.count)
        return nil
    }

    private func rowError(file: String, line: Int, field: Int?, reason: String) -> RowError {
        let name = field.flatMap { f in plan.columnNames.flatMap { f - 1 < $0.count ? $0[f - 1] : nil } }
        return RowError(file: file, line: line, field: field, columnName: name, reason: reason)
    }

    /// A rejects-file line: the input file (when the run reads several), the line number, the
    /// reason, and the record as read (one CSV field).
    private func appendReject(_ problem: RowError, record: UnsafeBufferPointer<UInt8>, to buffer: inout [UInt8]) {
        var length = record.count
        while length > 0, record[length - 1] == 0x0A || record[length - 1] == 0x0D { length -= 1 }
        if plan.rejectsNameFile {
            CSVText.appendField(problem.file, delimiter: 0x2C, to: &buffer)
            buffer.append(0x2C)
        }
        buffer.append(contentsOf: String(problem.line).utf8)
        buffer.append(0x2C)
        let reason = problem.field.map { field in
            "field \(field)\(problem.columnName.map { " (\"\($0)\")" } ?? ""): \(problem.reason)"
        } ?? problem.reason
        CSVText.appendField(reason, delimiter: 0x2C, to: &buffer)
        buffer.append(0x2C)
        CSVText.appendField(UnsafeBufferPointer(rebasing: record[0..<length]), delimiter: 0x2C, to: &buffer)
        buffer.append(0x0A)
    }

    /// Runs the transforms on the good rows and writes their CSV lines into `output`.
    private func encode(rows: Int) {
        output.removeAll(keepingCapacity: true)
        lineEnds.removeAll(keepingCapacity: true)
        guard rows > 0 else { return }
        let delimiter = plan.config.write.delimiter
        let groups = workspace.run(plan.chain, rows: rows)
        let valueRoom = formatter.maxLength + 1
        if groups.count == 1, case .values(let values, let width) = groups[0] {
            // The common case, the network's outputs only, in the tightest loop.
            forEachLine(rows: rows, fieldsRoom: width * valueRoom) { row, next in
                let rowValues = values + row * width
                for unit in 0..<width {
                    if unit > 0 {
                        next.initialize(to: delimiter)
                        next += 1
                    }
                    next += formatter.write(rowValues[unit], to: next)
                }
            }
            return
        }
        var fieldsRoom = 0
        for group in groups {
            switch group {
            case .values(_, let width): fieldsRoom += width * valueRoom
            case .classes(_, let scores, let k, let labels): fieldsRoom += k * (labels.room + 1 + (scores == nil ? 0 : valueRoom))
            }
        }
        forEachLine(rows: rows, fieldsRoom: fieldsRoom) { row, next in
            var first = true
            for group in groups {
                switch group {
                case .values(let values, let width):
                    let rowValues = values + row * width
                    for unit in 0..<width {
                        if !first {
                            next.initialize(to: delimiter)
                            next += 1
                        }
                        first = false
                        next += formatter.write(rowValues[unit], to: next)
                    }
                case .classes(let indices, let scores, let k, let labels):
                    for slot in (row * k)..<(row * k + k) {
                        if !first {
                            next.initialize(to: delimiter)
                            next += 1
                        }
                        first = false
                        next = labels.write(Int(indices[slot]), to: next)
                        if let scores {
                            next.initialize(to: delimiter)
                            next += 1
                            next += formatter.write(scores[slot], to: next)
                        }
                    }
                }
            }
        }
    }

    /// Writes each row's line straight into the output's spare capacity, reserved for the line at
    /// its longest: its carried fields, what `fields` writes (at most `fieldsRoom` bytes, advancing
    /// the pointer it is given), a line feed.
    @inline(__always)
    private func forEachLine(rows: Int, fieldsRoom: Int, fields: (Int, inout UnsafeMutablePointer<UInt8>) -> Void) {
        carried.withUnsafeBufferPointer { carriedBytes in
            var previousEnd = 0
            for row in 0..<rows {
                let end = carriedEnds[row]
                let carriedCount = end - previousEnd
                let carriedStart = carriedBytes.baseAddress! + previousEnd
                previousEnd = end
                output.append(addingCapacity: carriedCount + fieldsRoom + 1) { span in
                    span.withUnsafeMutableBufferPointer { bytes, initialized in
                        let start = bytes.baseAddress! + initialized
                        start.initialize(from: carriedStart, count: carriedCount)
                        var next = start + carriedCount
                        fields(row, &next)
                        next.initialize(to: 0x0A)
                        initialized += next + 1 - start
                    }
                }
                if recordsLineEnds { lineEnds.append(output.count) }
            }
        }
    }
}
