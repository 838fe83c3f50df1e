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
    private let formatter: FloatFormatter
    private let compressor: ChunkCompressor?
    private let rejectsCompressor: ChunkCompressor?
    /// Features (rows × inputs, row-major) and the transforms' buffers.
    private let workspace = TransformWorkspace()
    /// Carried fields of each good row, already CSV-quoted and followed by the delimiter.
    private var carried: [UInt8] = []
    private var carriedEnds: [Int] = []
    private var output: [UInt8] = []
    /// The rank stage's labels, CSV-quoted for the output's delimiter.
    private let quotedLabels: [[UInt8]]?

    init(plan: PipelinePlan, inputName: String, rejectsCompressed: Bool) {
        self.plan = plan
        self.inputName = inputName
        parser = CSVRecordParser(delimiter: plan.config.read.delimiter)
        formatter = FloatFormatter(decimals: plan.config.write.decimals)
        let write = plan.config.write
        compressor = write.isCompressed ? ChunkCompressors.make(level: write.gzipLevel) : nil
        rejectsCompressor = rejectsCompressed ? ChunkCompressors.make(level: write.gzipLevel) : nil
        quotedLabels = plan.chain.labels?.map { label in
            var field: [UInt8] = []
            CSVText.appendField(label, delimiter: write.delimiter, to: &field)
            return field
        }
    }

    /// Processes one chunk.
    func process(_ chunk: RawChunk) -> ChunkResult {
        // New Dispatch threads inherit the vector register state of the thread that made them; after
        // ISA-L's AVX code that state is "dirty", and every switch between the SSE code Swift
        // emits and libm's AVX code then pays a penalty (4× slower sigmoid layers, measured).
        CCPU_clear_upper_vector_state()
        var result = ChunkResult(index: chunk.index)
        let features = workspace.features.reserve(chunk.count * plan.featureFields.count)
        carried.removeAll(keepingCapacity: true)
        carriedEnds.removeAll(keepingCapacity: true)
        var rejects: [UInt8] = []
        var goodRows = 0
        let policy = plan.config.errors.policy
        let file = chunk.source.isEmpty ? inputName : chunk.source
        chunk.bytes.withUnsafeBufferPointer { bytes in
            for record in 0..<chunk.count {
                result.rowsRead += 1
                let range = chunk.range(of: record)
                let start = bytes.baseAddress! + range.lowerBound
                let readableEnd = UnsafePointer(bytes.baseAddress! + bytes.count)
                if let problem = parseRecord(start, count: range.count, readableEnd: readableEnd,
                                             into: features + goodRows * plan.featureFields.count,
                                             file: file,
                                             line: chunk.recordLines[record]) {
                    result.badRows.append(problem)
                    switch policy {
                    case .fail:
                        result.failure = problem
                        result.rowsWritten = goodRows  // the rows before it, for the summary
                        return
                    case .skip:
                        result.rowsSkipped += 1
                    case .reject:
                        result.rowsRejected += 1
                        appendReject(problem, record: UnsafeBufferPointer(start: start, count: range.count), to: &rejects)
                    }
                    continue
                }
                goodRows += 1
            }
        }
        if result.failure != nil { return result }
        result.rowsWritten = goodRows
        encode(rows: goodRows)
        result.output = compressor.map { $0.member(output) } ?? output
        if !rejects.isEmpty {
            result.rejects = rejectsCompressor.map { $0.member(rejects) } ?? rejects
        }
        return result
    }

    /// Parses one record into a feature row and the carried text; returns why it is bad, if it is.
    private func parseRecord(_ start: UnsafePointer<UInt8>, count: Int, readableEnd: UnsafePointer<UInt8>,
                             into target: UnsafeMutablePointer<Double>, file: String, line: Int) -> RowError? {
        do {
            try parser.parse(start, count: count, readableEnd: readableEnd)
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
        guard rows > 0 else { return }
        let delimiter = plan.config.write.delimiter
        let transformed = plan.chain.run(rows: rows, in: workspace)
        if transformed.groups.count == 1, case .values(let values, let width) = transformed.groups[0] {
            // The common case, the network's outputs only, in the tightest loop.
            forEachLine(rows: rows) { row in
                let rowValues = values + row * width
                for unit in 0..<width {
                    if unit > 0 { output.append(delimiter) }
                    formatter.append(rowValues[unit], to: &output)
                }
            }
            return
        }
        forEachLine(rows: rows) { row in
            var first = true
            for group in transformed.groups {
                switch group {
                case .values(let values, let width):
                    let rowValues = values + row * width
                    for unit in 0..<width {
                        if !first { output.append(delimiter) }
                        first = false
                        formatter.append(rowValues[unit], to: &output)
                    }
                case .ranks(let indices, let values, let k):
                    for slot in (row * k)..<(row * k + k) {
                        if !first { output.append(delimiter) }
                        first = false
                        let index = Int(indices[slot])
                        if let labels = quotedLabels {
                            output.append(contentsOf: labels[index])
                        } else {
                            output.append(contentsOf: String(index).utf8)
                        }
                        output.append(delimiter)
                        formatter.append(values[slot], to: &output)
                    }
                }
            }
        }
    }

    /// Writes each row's line: its carried fields, what `values` appends, a line feed.
    @inline(__always)
    private func forEachLine(rows: Int, values: (Int) -> Void) {
        var previousEnd = 0
        for row in 0..<rows {
            let end = carriedEnds[row]
            carried.withUnsafeBufferPointer { carriedBytes in
                output.append(contentsOf: UnsafeBufferPointer(rebasing: carriedBytes[previousEnd..<end]))
            }
            previousEnd = end
            values(row)
            output.append(0x0A)
        }
    }
}
