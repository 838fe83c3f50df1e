/// Runs a pipeline's `tests:` section through the same chunk processing as a run: each test's
/// rows become an in-memory chunk of CSV records that a ``ChunkProcessor`` parses, transforms
/// and encodes exactly as it does the input's, and the activations it writes are compared with
/// the expected ones.
package enum PipelineTester {
    /// The first value of a test outside its tolerance (or, for text, not equal).
    package struct Mismatch: Sendable, Equatable {
        /// 1-based row and output column.
        package var row: Int
        package var column: Int
        package var columnName: String
        package var expected: ExpectedValue
        /// The value written, as text.
        package var got: String
        /// The difference allowed for this value (numbers only).
        package var allowed: Double?
        /// Values that differ in the whole test.
        package var count: Int
    }

    /// What one test gave.
    package struct Outcome: Sendable {
        package var name: String
        package var mismatch: Mismatch?
        package var passed: Bool { mismatch == nil }

        /// `PASS name`, or `FAIL name: row r column c (name) expected X got Y (tolerance T)`.
        /// `PASS FILE: name` or `FAIL FILE: name: row … expected … got …`, naming the pipeline file.
        package func line(file: String) -> String {
            guard let m = mismatch else { return "PASS \(file): \(name)" }
            let got = if case .text = m.expected { "\"\(m.got)\"" } else { m.got }
            let tolerance = m.allowed.map { " (tolerance \($0))" } ?? ""
            let more = m.count > 1 ? "; \(m.count - 1) more value\(m.count > 2 ? "s" : "") differ" : ""
            return "FAIL \(file): \(name): row \(m.row) column \(m.column) (\(m.columnName)) expected \(m.expected) got \(got)\(tolerance)\(more)"
        }
    }

    /// Runs every test of `config`, in order.
    package static func run(_ config: PipelineConfig) throws -> [Outcome] {
        try config.tests.map { try run($0, of: config) }
    }

    /// Runs one test: its rows as CSV records with the features in fields 0…n−1, nothing
    /// carried, the activations written as shortest round-trip text (so read back exactly).
    package static func run(_ test: PipelineTestConfig, of config: PipelineConfig) throws -> Outcome {
        var testConfig = config
        let featureCount = config.read.features.count
        testConfig.read.header = false
        testConfig.read.delimiter = 0x2C
        testConfig.read.features = (0..<featureCount).map { index in
            ColumnSelector(ref: .index(index), keyPath: "\(test.keyPath).rows", line: test.line, column: nil)
        }
        testConfig.read.carry = []
        testConfig.read.carryAll = false
        testConfig.write.header = false
        testConfig.write.compression = .none
        testConfig.write.decimals = nil
        testConfig.write.delimiter = 0x2C
        testConfig.errors.policy = .fail
        testConfig.execution.workers = 1
        let inputName = "\(config.file): \(test.keyPath) (\(test.name))"
        // Without a header and with features 0…n−1, records have n fields.
        let plan = try PipelinePlan(config: testConfig, firstRecord: nil, inputName: inputName)
        let processor = ChunkProcessor(plan: plan, inputName: inputName, encoders: .plain)
        let result = processor.process(chunk(test.rows))
        if let failure = result.failure { throw failure }
        let lines = records(result.output)
        let parser = CSVRecordParser(delimiter: 0x2C)

        var mismatch: Mismatch?
        var count = 0
        for (row, expected) in test.expect.enumerated() {
            var got: [String] = []
            if row < lines.count {
                let line = Array(lines[row])
                do throws(CSVRecordParser.Problem) {
                    got = try line.withUnsafeBufferPointer { bytes throws(CSVRecordParser.Problem) in
                        try parser.parse(bytes.baseAddress!, count: bytes.count)
                        return (0..<parser.fieldCount).map { String(decoding: parser.field($0), as: UTF8.self) }
                    }
                } catch {
                    got = []
                }
            }
            // Loading checked that each expectation has a value per column written; a value
            // missing here (none is) would compare as empty text, so as a mismatch.
            for column in expected.indices {
                let text = column < got.count ? got[column] : ""
                let allowed: Double?
                let matches: Bool
                switch expected[column] {
                case .number(let value):
                    allowed = test.tolerance.bound(for: value)
                    matches = FloatParser.parse(Array(text.utf8)).map { test.tolerance.allows($0, expected: value) } ?? false
                case .text(let value):
                    allowed = nil
                    matches = text == value
                }
                if matches { continue }
                count += 1
                if mismatch == nil {
                    let name = column < plan.outputNames.count ? plan.outputNames[column] : "y\(column)"
                    mismatch = Mismatch(row: row + 1, column: column + 1, columnName: name, expected: expected[column],
                                        got: text, allowed: allowed, count: 0)
                }
            }
        }
        mismatch?.count = count
        return Outcome(name: test.name, mismatch: mismatch)
    }

    /// The CSV records of `output`, each with its line feed: a quoted label may hold a line break.
    static func records(_ output: [UInt8]) -> [ArraySlice<UInt8>] {
        var records: [ArraySlice<UInt8>] = []
        var start = 0
        var quoted = false
        for (index, byte) in output.enumerated() {
            if byte == 0x22 { quoted.toggle() }
            if byte == 0x0A, !quoted {
                records.append(output[start...index])
                start = index + 1
            }
        }
        return records
    }

    /// The rows as one chunk of CSV records, one per line.
    static func chunk(_ rows: [[Double]]) -> RawChunk {
        var bytes: [UInt8] = []
        var ends: [Int] = []
        for row in rows {
            bytes += Array(row.map(\.description).joined(separator: ",").utf8)
            bytes.append(0x0A)
            ends.append(bytes.count)
        }
        bytes += [UInt8](repeating: 0, count: RawChunk.padding)
        return RawChunk(index: 0, bytes: bytes, recordEnds: ends, recordLines: rows.indices.map { $0 + 1 })
    }
}
