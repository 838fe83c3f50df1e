/// Runs a pipeline's `tests:` section through the same chunk processing as a run: each test's
/// rows become an in-memory chunk of CSV records that a ``ChunkProcessor`` parses, transforms
/// and encodes exactly as it does the input's, and the activations it writes are compared with
/// the expected ones.
public enum PipelineTester {
    /// The first value of a test outside its tolerance (or, for text, not equal).
    public struct Mismatch: Sendable, Equatable {
        /// 1-based row and output column.
        public var row: Int
        public var column: Int
        public var columnName: String
        public var expected: ExpectedValue
        /// The value written, as text.
        public var got: String
        /// The difference allowed for this value (numbers only).
        public var allowed: Double?
        /// Values that differ in the whole test.
        public var count: Int
    }

    /// What one test gave.
    public struct Outcome: Sendable {
        public var name: String
        public var mismatch: Mismatch?
        public var passed: Bool { mismatch == nil }

        /// `PASS name`, or `FAIL name: row r column c (name) expected X got Y (tolerance T)`.
        /// `PASS FILE: name` or `FAIL FILE: name: row … expected … got …`, naming the pipeline file.
        public func line(file: String) -> String {
            guard let m = mismatch else { return "PASS \(file): \(name)" }
            let got = if case .text = m.expected { "\"\(m.got)\"" } else { m.got }
            let tolerance = m.allowed.map { " (tolerance \($0))" } ?? ""
            let more = m.count > 1 ? "; \(m.count - 1) more value\(m.count > 2 ? "s" : "") differ" : ""
            return "FAIL \(file): \(name): row \(m.row) column \(m.column) (\(m.columnName)) expected \(m.expected) got \(got)\(tolerance)\(more)"
        }
    }

    /// Runs every test of `config`, in order.
    public static func run(_ config: PipelineConfig) throws -> [Outcome] {
        try config.tests.map { try run($0, of: config) }
    }

    /// Runs one test: its rows as CSV records with the features in fields 0…n−1, nothing
    /// carried, the activations written as shortest round-trip text (so read back exactly).
    public static func run(_ test: PipelineTestConfig, of config: PipelineConfig) throws -> Outcome {
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
        let plan = try PipelinePlan(config: testConfig, firstRecord: Array(repeating: "", count: featureCount),
                                    inputName: inputName)
        let processor = try ChunkProcessor(plan: plan, inputName: inputName, rejectsCodec: nil)
        let result = processor.process(chunk(test.rows))
        if let failure = result.failure { throw failure }
        let lines = result.output.split(separator: 0x0A, omittingEmptySubsequences: false).dropLast()
        let parser = CSVRecordParser(delimiter: 0x2C)

        var mismatch: Mismatch?
        var count = 0
        for (row, expected) in test.expect.enumerated() {
            var got: [String] = []
            if row < lines.count {
                let line = Array(lines[lines.startIndex + row]) + [0x0A]
                do throws(CSVRecordParser.Problem) {
                    got = try line.withUnsafeBufferPointer { bytes throws(CSVRecordParser.Problem) in
                        try parser.parse(bytes.baseAddress!, count: bytes.count)
                        return (0..<parser.fieldCount).map { String(decoding: parser.field($0), as: UTF8.self) }
                    }
                } catch {
                    got = []
                }
            }
            guard got.count == expected.count else {
                throw ConfigError(file: config.file, line: test.line, keyPath: "\(test.keyPath).expect[\(row)]",
                                  problem: "has \(expected.count) values but the pipeline writes \(got.count) columns after the carried ones")
            }
            for (column, text) in got.enumerated() {
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
